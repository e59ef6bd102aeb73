package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.Language;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.protocol.PromptBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval pairwise} and {@code eval single} with a judge instead of prediction files, end to end
 * through {@code Main}: the published Auto-J outputs imported with {@code store import-testbed} and
 * replayed, and a live judge on a loopback HTTP server that serves Auto-J-13B's published critiques.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JudgeEvalCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private Path testbed;
    private Path store;

    @BeforeAll
    void importThePublishedOutputsThroughMain(@TempDir Path tempDir) {
        dir = tempDir;
        testbed = ImportedTestbed.testbed();
        store = ImportedTestbed.store();
    }

    private String file(String name) {
        return testbed.resolve(name).toString();
    }

    @Test
    void replayingTheImportedStoreThroughTheJudgeReproducesTheLeaderboard() {
        CliRun run = CliRun.of("eval", "pairwise", "--source", file("testdata_pairwise.jsonl"), "--mode", "replay",
                "--store", store.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).contains("  judge     GAIR/autoj-13b, replay from " + store)
                .containsPattern("Overall +1392 +54\\.96 +83\\.41")
                .contains("Agreement 54.96 / consistency 83.41 overall; predictions without a verdict: 0");
    }

    @Test
    void replayedPairwiseFiguresEqualThoseOfThePublishedPredictionFilesInEveryGroup() throws IOException {
        CliRun judged = CliRun.of("eval", "pairwise", "--source", file("testdata_pairwise.jsonl"), "--store", store.toString(),
                "--json");
        CliRun files = CliRun.of("eval", "pairwise", "--source", file("testdata_pairwise.jsonl"),
                "--pred", file("pairwise_example_output.jsonl"), "--exchange", file("pairwise_exchange_example_output.jsonl"), "--json");

        assertThat(judged.exitCode()).as(judged.err()).isZero();
        assertThat(JSON.readTree(judged.out())).isEqualTo(JSON.readTree(files.out()));
        assertThat(JSON.readTree(judged.out()).path("groups").size()).isEqualTo(8);
    }

    @Test
    void replayedSingleJudgmentsGiveThePublishedRatingDistribution() throws IOException {
        CliRun judged = CliRun.of("eval", "single", "--source", file("testdata_critique.jsonl"), "--mode", "replay",
                "--store", store.toString(), "--json");
        CliRun files = CliRun.of("eval", "single", "--pred", file("critique_example_output.jsonl"), "--json");

        assertThat(judged.exitCode()).as(judged.err()).isZero();
        var report = JSON.readTree(judged.out());
        assertThat(report).isEqualTo(JSON.readTree(files.out()));
        assertThat(report.path("judgments").asInt()).isEqualTo(232);
        assertThat(report.path("rated").asInt()).isEqualTo(231);
        assertThat(report.path("histogram").toString())
                .isEqualTo("{\"1\":1,\"2\":7,\"3\":15,\"4\":58,\"5\":47,\"6\":96,\"7\":7,\"8\":0,\"9\":0,\"10\":0}");
        assertThat(report.path("no_verdicts").size()).isEqualTo(1);
        assertThat(report.path("no_verdicts").get(0).path("item").asInt()).isEqualTo(186);
    }

    /** Serves Auto-J-13B's published critique for each single-response testbed prompt: real judge texts, no model. */
    private LoopbackCompletionsServer publishedCritiques() throws IOException {
        Map<String, String> answers = new HashMap<>();
        for (AutoJTestbed.SingleItem item : AutoJTestbed.single(testbed)) {
            answers.put(PromptBuilder.single(Language.EN, item.query(), item.response()).text(), item.output());
        }
        return new LoopbackCompletionsServer(answers);
    }

    @Test
    void aLiveJudgeOverHttpIsMeasuredExactlyAsThePredictionFile() throws IOException {
        CliRun live;
        List<String> bodies;
        try (LoopbackCompletionsServer server = publishedCritiques()) {
            live = CliRun.of("eval", "single", "--source", file("testdata_critique.jsonl"), "--endpoint", server.url(), "--conformance", "off",
                    "--concurrency", "4", "--json");
            bodies = server.bodies();
        }
        CliRun files = CliRun.of("eval", "single", "--pred", file("critique_example_output.jsonl"), "--json");

        assertThat(live.exitCode()).as(live.err()).isZero();
        assertThat(JSON.readTree(live.out())).isEqualTo(JSON.readTree(files.out()));
        assertThat(bodies).hasSize(232);
        AutoJTestbed.SingleItem first = AutoJTestbed.single(testbed).get(0);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("model", "GAIR/autoj-13b");
        expected.put("prompt", PromptBuilder.single(Language.EN, first.query(), first.response()).text());
        expected.put("temperature", 0);
        expected.put("top_p", 1);
        expected.put("max_tokens", 1024);
        assertThat(bodies).contains(JSON.writeValueAsString(expected));
    }

    @Test
    void judgmentsRecordedFromALiveJudgeReplayWithoutIt() throws IOException {
        Path recorded = dir.resolve("recorded-store");
        CliRun record;
        try (LoopbackCompletionsServer server = publishedCritiques()) {
            record = CliRun.of("eval", "single", "--source", file("testdata_critique.jsonl"), "--endpoint", server.url(), "--conformance", "off",
                    "--mode", "record", "--store", recorded.toString(), "--json");
        }
        CliRun replay = CliRun.of("eval", "single", "--source", file("testdata_critique.jsonl"), "--mode", "replay",
                "--store", recorded.toString(), "--json");

        assertThat(record.exitCode()).as(record.err()).isZero();
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(JSON.readTree(replay.out())).isEqualTo(JSON.readTree(record.out()));
        assertThat(JSON.readTree(replay.out()).path("rated").asInt()).isEqualTo(231);
    }

    @Test
    void endpointsGivenRepeatedOrCommaSeparatedFormOneFleetWithFailover() throws IOException {
        List<String> lines = Files.readAllLines(testbed.resolve("testdata_critique.jsonl"), StandardCharsets.UTF_8).subList(0, 3);
        Path three = Files.write(dir.resolve("three.jsonl"), lines, StandardCharsets.UTF_8);
        String refusing;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusing = "http://127.0.0.1:" + socket.getLocalPort();
        }
        CliRun run;
        try (LoopbackCompletionsServer a = publishedCritiques(); LoopbackCompletionsServer b = publishedCritiques()) {
            run = CliRun.of("eval", "single", "--source", three.toString(), "--endpoint", refusing + "," + a.url(),
                    "--endpoint", b.url(), "--conformance", "off", "--json");
            assertThat(a.bodies().size() + b.bodies().size()).isEqualTo(3);
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(JSON.readTree(run.out()).path("rated").asInt()).isEqualTo(3);
    }

    /** The first single-response testbed item with its response changed, so that no record matches. */
    private Path changedItem() throws IOException {
        String first = Files.readAllLines(testbed.resolve("testdata_critique.jsonl"), StandardCharsets.UTF_8).get(0);
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(first);
        node.put("response", node.path("response").asText() + " (edited)");
        return Files.writeString(dir.resolve("changed.jsonl"), node.toString() + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void aReplayMissFailsOnOneLineNamingTheKeyAndHowToRecordIt() throws IOException {
        CliRun run = CliRun.of("eval", "single", "--source", changedItem().toString(), "--mode", "replay",
                "--store", store.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).startsWith("autoj eval single: Replay miss: the judgment store " + store
                        + " holds no judgment with key ")
                .contains("model GAIR/autoj-13b", "Prompt: \"[INST] Write critiques for a submitted response", "--mode record");
    }

    @Test
    void aPromptTheServerRejectsIsAnOutputWithoutARatingNamingTheServersReasonAndTheRunGoesOn() throws IOException {
        CliRun run;
        try (LoopbackCompletionsServer server = publishedCritiques()) {
            run = CliRun.of("eval", "single", "--source", changedItem().toString(), "--endpoint", server.url(), "--conformance", "off");
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("outputs without a rating: 1", "item 1: the judge's server rejected this prompt",
                "HTTP 400", "no answer for the prompt");
    }

    @Test
    void aStoreThatDoesNotExistIsBadInputInReplay() {
        Path nowhere = dir.resolve("nowhere");
        CliRun run = CliRun.of("eval", "pairwise", "--source", file("testdata_pairwise.jsonl"), "--mode", "replay",
                "--store", nowhere.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).startsWith("autoj eval pairwise: " + nowhere + ": is not a folder, so it holds no judgments to replay;");
    }
}
