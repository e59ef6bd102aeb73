package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.protocol.PromptBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code classify} and {@code eval scenario} with a classifier over HTTP, recorded and replayed.
 *
 * <p>No Auto-J classifier outputs are published, so the loopback server is an <em>oracle</em>: it
 * answers each test-set query's classifier prompt with that query's true {@code category} from
 * scenario_classifier_testdata.jsonl. It is no model and measures nothing about Auto-J; it checks
 * that prompts, store keys, raw answers and accuracy travel through the command correctly.
 */
class ClassifyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUERIES = 24;

    @TempDir
    Path dir;

    private Path subset;
    private Path queries;
    private final Map<String, String> oracle = new HashMap<>();
    private final List<String> categories = new ArrayList<>();

    @BeforeEach
    void takeTheFirstQueriesOfTheTestSet() throws IOException {
        List<String> lines = Files.readAllLines(SharedFiles.testbed("scenario_classifier_testdata.jsonl"), StandardCharsets.UTF_8)
                .subList(0, QUERIES);
        List<String> queryLines = new ArrayList<>();
        for (String line : lines) {
            JsonNode item = JSON.readTree(line);
            String query = PromptBuilder.classifierQuery(item.path("instruction").asText(), item.path("input").asText());
            oracle.put(PromptBuilder.scenario(query).text(), item.path("category").asText());
            categories.add(item.path("category").asText());
            ObjectNode q = JSON.createObjectNode();
            q.put("query", query);
            queryLines.add(q.toString());
        }
        subset = Files.write(dir.resolve("classifier-subset.jsonl"), lines, StandardCharsets.UTF_8);
        queries = Files.write(dir.resolve("queries.jsonl"), queryLines, StandardCharsets.UTF_8);
    }

    @Test
    void classifyPrintsScenarioRawAnswerAndWarningsPerQueryAndReplaysWhatItRecorded() throws IOException {
        Path store = dir.resolve("store");
        CliRun live;
        List<String> bodies;
        try (LoopbackCompletionsServer server = new LoopbackCompletionsServer(oracle)) {
            live = CliRun.of("classify", "--in", queries.toString(), "--classifier-endpoint", server.url(),
                    "--mode", "record", "--store", store.toString());
            bodies = server.bodies();
        }
        CliRun replay = CliRun.of("classify", "--in", queries.toString(), "--store", store.toString());

        assertThat(live.exitCode()).as(live.err()).isZero();
        List<String> lines = live.out().lines().toList();
        assertThat(lines).hasSize(QUERIES);
        for (int i = 0; i < QUERIES; i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            assertThat(line.path("scenario").asText()).isEqualTo(categories.get(i));
            assertThat(line.path("raw").asText()).isEqualTo(categories.get(i));
            assertThat(line.path("warnings").isArray()).isTrue();
            assertThat(line.path("warnings").size()).isZero();
        }
        assertThat(JSON.readTree(bodies.get(0)).path("model").asText()).isEqualTo("GAIR/autoj-scenario-classifier");
        assertThat(JSON.readTree(bodies.get(0)).path("max_tokens").asInt()).isEqualTo(30);
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).isEqualTo(live.out());
    }

    @Test
    void evalScenarioMeasuresALiveOrReplayedClassifier() throws IOException {
        Path store = dir.resolve("store");
        CliRun live;
        try (LoopbackCompletionsServer server = new LoopbackCompletionsServer(oracle)) {
            live = CliRun.of("eval", "scenario", "--source", subset.toString(), "--classifier-endpoint", server.url(),
                    "--store", store.toString(), "--json");
        }
        CliRun replay = CliRun.of("eval", "scenario", "--source", subset.toString(), "--mode", "replay",
                "--store", store.toString(), "--json");

        assertThat(live.exitCode()).as(live.err()).isZero();
        JsonNode report = JSON.readTree(live.out());
        assertThat(report.path("items").asInt()).isEqualTo(QUERIES);
        assertThat(report.path("correct").asInt()).isEqualTo(QUERIES);
        assertThat(report.path("unrecognised").asInt()).isZero();
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(JSON.readTree(replay.out())).isEqualTo(report);
    }

    @Test
    void aQueryWithoutARecordedAnswerIsAReplayMissNamingTheClassifier() {
        CliRun run = CliRun.of("classify", "--in", queries.toString(), "--mode", "replay", "--store", dir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).startsWith("autoj classify: Replay miss: the judgment store " + dir)
                .contains("model GAIR/autoj-scenario-classifier");
    }

    @Test
    void classifyWithoutAClassifierSaysWhichOptionIsMissing() {
        CliRun run = CliRun.of("classify", "--in", queries.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLine()).startsWith("autoj classify: --classifier-endpoint is required for a remote judge in mode live");
    }

    @Test
    void aBlankQueryNamesItsLine() throws IOException {
        Path in = Files.writeString(dir.resolve("blank.jsonl"), "{\"query\":\"Write a poem\"}\n{\"query\":\"  \"}\n");

        CliRun run = CliRun.of("classify", "--in", in.toString(), "--classifier-endpoint", "http://127.0.0.1:9");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).isEqualTo("autoj classify: " + in + " line 2: field \"query\" is blank;"
                + " write the user's query to classify");
    }

    @Test
    void evalScenarioRefusesBothAnswerFileAndClassifier() {
        CliRun run = CliRun.of("eval", "scenario", "--source", subset.toString(), "--pred", subset.toString(),
                "--classifier-endpoint", "http://127.0.0.1:9");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLine()).contains("--pred FILE evaluates answers already in files");
    }
}
