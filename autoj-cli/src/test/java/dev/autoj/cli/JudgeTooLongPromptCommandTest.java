package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Language;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.onnx.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autoj judge --tokenizer}: each prompt is counted with the real LLaMA-2 tokenizer
 * ({@code ../shared/tokenizers/llama2}; skipped when absent), and a request whose prompt cannot fit
 * Auto-J's 4096-token window with the 1024-token budget is written as a no-verdict line naming its token
 * count and the window, without being sent; the other requests are judged by the loopback server, which
 * serves Auto-J-13B's published critiques.
 */
class JudgeTooLongPromptCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String singleLine(String query, String response, String scenario) {
        ObjectNode node = JSON.createObjectNode();
        node.put("protocol", "single");
        node.put("query", query);
        node.put("response", response);
        node.put("scenario", scenario);
        return node.toString();
    }

    @Test
    void aTwentyThousandWordResponseIsANoVerdictLineNamingItsTokensAndTheOthersAreJudged() throws IOException {
        Path llama2 = SharedFiles.tokenizer("llama2");
        List<AutoJTestbed.SingleItem> items = AutoJTestbed.single(SharedFiles.testbed("testdata_pairwise.jsonl").getParent())
                .subList(70, 72);
        Map<String, String> answers = new HashMap<>();
        for (AutoJTestbed.SingleItem item : items) {
            answers.put(PromptBuilder.single(Language.EN, item.query(), item.response()).text(), item.output());
        }
        String query = "Write a 20,000-word history of the city.";
        String essay = "The city grew along the river, and its markets drew traders from every valley nearby. ".repeat(1_334);
        int essayTokens;
        try (Tokenizer tokenizer = Tokenizer.load(llama2)) {
            essayTokens = tokenizer.encode(PromptBuilder.single(Language.EN, query, essay).text()).length;
        }
        Path in = Files.writeString(dir.resolve("requests.jsonl"), String.join("\n",
                singleLine(items.get(0).query(), items.get(0).response(), items.get(0).scenario().id()),
                singleLine(query, essay, "default"),
                singleLine(items.get(1).query(), items.get(1).response(), items.get(1).scenario().id())) + "\n");
        Path out = dir.resolve("judgments.jsonl");

        CliRun run;
        List<String> bodies;
        try (LoopbackCompletionsServer server = new LoopbackCompletionsServer(answers)) {
            run = CliRun.of("judge", "--in", in.toString(), "--out", out.toString(), "--endpoint", server.url(),
                    "--conformance", "off", "--tokenizer", llama2.toString());
            bodies = server.bodies();
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(essay.split(" ")).hasSize(20_010);
        assertThat(bodies).as("the loopback server received only the two that fit").hasSize(2)
                .noneMatch(b -> b.contains("The city grew along the river"));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).path("raw").asText()).isEqualTo(items.get(0).output());
        assertThat(lines.get(2).path("raw").asText()).isEqualTo(items.get(1).output());
        JsonNode refused = lines.get(1);
        assertThat(refused.path("line").asInt()).isEqualTo(2);
        assertThat(refused.path("rating").isNull()).isTrue();
        assertThat(refused.path("no_verdict").asText())
                .startsWith("the prompt is too long for the judge, so there is no judgment: not sent")
                .contains(query, essayTokens + " tokens (counted with the tokenizer " + llama2.toAbsolutePath().normalize() + ")",
                        "4096-token context window", "--context-window");
        assertThat(essayTokens).isGreaterThan(20_000);
    }

    @Test
    void aTokenizerThatIsNotThereIsAUsageErrorNamingTheOption() throws IOException {
        Path in = Files.writeString(dir.resolve("one.jsonl"), singleLine("q", "a", "default") + "\n");
        Path missing = dir.resolve("no-such-tokenizer.json");

        CliRun run = CliRun.of("judge", "--in", in.toString(), "--out", dir.resolve("out.jsonl").toString(),
                "--endpoint", "http://127.0.0.1:9", "--conformance", "off", "--tokenizer", missing.toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--tokenizer = " + missing, "there is no such file");
        Path out = dir.resolve("out.jsonl");
        assertThat(Files.exists(out) ? Files.readString(out) : "").as("no judgment written").isEmpty();
    }

    @Test
    void aFileThatIsNotATokenizerIsBadInputNamingTheFile() throws IOException {
        Path in = Files.writeString(dir.resolve("one.jsonl"), singleLine("q", "a", "default") + "\n");
        Path config = Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"LlamaForCausalLM\"]}");

        CliRun run = CliRun.of("judge", "--in", in.toString(), "--out", dir.resolve("out.jsonl").toString(),
                "--endpoint", "http://127.0.0.1:9", "--conformance", "off", "--tokenizer", config.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains(config.toString(), "is not a usable tokenizer", "not a Hugging Face tokenizer.json",
                "point --tokenizer at the judge model's tokenizer.json");
    }

    @Test
    void aContextWindowThatLeavesNoRoomForAPromptIsAUsageErrorNamingBothOptions() throws IOException {
        Path in = Files.writeString(dir.resolve("one.jsonl"), singleLine("q", "a", "default") + "\n");

        CliRun run = CliRun.of("judge", "--in", in.toString(), "--out", dir.resolve("out.jsonl").toString(),
                "--endpoint", "http://127.0.0.1:9", "--conformance", "off", "--context-window", "1000");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--context-window must be a whole number of tokens larger than --max-new-tokens (1024)");
    }
}
