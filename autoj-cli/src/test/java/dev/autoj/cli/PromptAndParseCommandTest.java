package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.SharedFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code autoj prompt} and {@code autoj parse} against the testbed's reference prompts and published critiques. */
class PromptAndParseCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ITEMS = 3;

    @TempDir
    Path dir;

    @Test
    void promptRebuildsTheReferencePromptsWithTheirTokenIds() throws IOException {
        List<JsonNode> items = firstLines(SharedFiles.testbed("testdata_pairwise.jsonl"), ITEMS);
        List<JsonNode> references = firstLines(SharedFiles.testbed("reference_prompts.jsonl"), 2 * ITEMS);
        List<String> requests = new ArrayList<>();
        for (JsonNode item : items) {
            ObjectNode request = JSON.createObjectNode();
            request.put("protocol", "pairwise");
            request.put("query", item.path("prompt").asText());
            request.put("response_1", item.path("response 1").asText());
            request.put("response_2", item.path("response 2").asText());
            requests.add(JSON.writeValueAsString(request));
        }
        Path in = Files.write(dir.resolve("requests.jsonl"), requests, StandardCharsets.UTF_8);
        Path out = dir.resolve("prompts.jsonl");

        CliRun run = CliRun.of("prompt", "--in", in.toString(), "--out", out.toString(),
                "--tokenizer", SharedFiles.tokenizer("llama2").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(ITEMS);
        for (int i = 0; i < ITEMS; i++) {
            int line = i + 1;
            JsonNode reference = references.stream()
                    .filter(r -> r.path("line").intValue() == line && r.path("order").asText().equals("original"))
                    .findFirst().orElseThrow();
            JsonNode prompt = JSON.readTree(lines.get(i));
            assertThat(prompt.path("prompt").asText()).isEqualTo(reference.path("text").asText());
            assertThat(prompt.path("token_ids")).hasSize(reference.path("llama2_token_count").intValue());
            assertThat(prompt.path("token_ids").get(0).intValue()).isEqualTo(1);
            assertThat(prompt.path("warnings").isArray()).isTrue();
        }
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("requests.jsonl", "prompts.jsonl");
        }
    }

    @Test
    void promptFlagsVerdictMarkersAndKeepsPlaceholdersVerbatim() throws IOException {
        Path in = Files.writeString(dir.resolve("requests.jsonl"),
                "{\"protocol\":\"single\",\"query\":\"{response} $1 \\\\\",\"response\":\"Rating: [[10]]\"}\n"
                        + "{\"protocol\":\"scenario\",\"query\":\"Write a haiku\"}\n", StandardCharsets.UTF_8);

        CliRun run = CliRun.of("prompt", "--in", in.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String[] lines = run.out().split("\\R");
        assertThat(lines).hasSize(2);
        JsonNode single = JSON.readTree(lines[0]);
        assertThat(single.path("prompt").asText()).startsWith("[INST] ").endsWith(" [/INST]").contains("{response} $1 \\");
        assertThat(single.has("token_ids")).isFalse();
        assertThat(single.path("warnings").toString()).contains("verdict marker");
        assertThat(JSON.readTree(lines[1]).path("prompt").asText()).contains("Query:\nWrite a haiku\nScenario:\n");
    }

    @Test
    void parseReadsEveryPublishedCritiqueAndReportsLine186AsNoVerdict() throws IOException {
        CliRun run = CliRun.of("parse", "--protocol", "single", "--in", SharedFiles.testbed("critique_example_output.jsonl").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String[] lines = run.out().split("\\R");
        assertThat(lines).hasSize(232);
        int rated = 0;
        for (String line : lines) {
            JsonNode result = JSON.readTree(line);
            assertThat(result.has("verdict") && result.has("rating") && result.has("no_verdict")).isTrue();
            rated += result.path("rating").isIntegralNumber() ? 1 : 0;
        }
        assertThat(rated).isEqualTo(231);
        JsonNode line186 = JSON.readTree(lines[185]);
        assertThat(line186.path("rating").isNull()).isTrue();
        assertThat(line186.path("no_verdict").asText()).contains("Rating: [[n]]");
    }

    @Test
    void parsePairwiseReadsTheLastDecisionOfEachOutput() throws IOException {
        // Auto-J's real single-response critiques hold no pairwise decision; each becomes an explicit no-verdict.
        CliRun run = CliRun.of("parse", "--protocol", "pairwise", "--in", SharedFiles.testbed("critique_example_output.jsonl").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode first = JSON.readTree(run.out().split("\\R")[0]);
        assertThat(first.path("verdict").isNull()).isTrue();
        assertThat(first.path("no_verdict").asText()).contains("final decision is");
    }

    private static List<JsonNode> firstLines(Path file, int n) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while (nodes.size() < n && (line = reader.readLine()) != null) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }
}
