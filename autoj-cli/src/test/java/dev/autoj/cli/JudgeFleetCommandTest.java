package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Language;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.protocol.PromptBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autoj judge} against a fleet through {@code Main}: a dead endpoint listed first and a live one
 * that is busy now and then (HTTP 503 on every fifth call, as a loaded vLLM answers) still judge every
 * request, run after run. The live server serves Auto-J-13B's published critiques of the testbed.
 */
class JudgeFleetCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aDeadFirstEndpointAndABusyLiveOneJudgeTwentyFourOfTwentyFourThreeRunsInARow() throws IOException {
        List<AutoJTestbed.SingleItem> items = AutoJTestbed.single(SharedFiles.testbed("testdata_pairwise.jsonl").getParent())
                .subList(40, 64);
        Map<String, String> answers = new HashMap<>();
        List<String> requests = new ArrayList<>();
        for (AutoJTestbed.SingleItem item : items) {
            answers.put(PromptBuilder.single(Language.EN, item.query(), item.response()).text(), item.output());
            ObjectNode node = JSON.createObjectNode();
            node.put("protocol", "single");
            node.put("query", item.query());
            node.put("response", item.response());
            node.put("scenario", item.scenario().id());
            requests.add(node.toString());
        }
        Path in = Files.writeString(dir.resolve("requests.jsonl"), String.join("\n", requests) + "\n", StandardCharsets.UTF_8);
        String dead = deadEndpoint();

        try (LoopbackCompletionsServer live = new LoopbackCompletionsServer(answers).busyEvery(5)) {
            for (int run = 1; run <= 3; run++) {
                Path out = dir.resolve("judgments-" + run + ".jsonl");
                CliRun result = CliRun.of("judge", "--in", in.toString(), "--out", out.toString(),
                        "--endpoint", dead + "," + live.url(), "--conformance", "off", "--timeout", "30s");

                assertThat(result.exitCode()).as("run %d: %s", run, result.err()).isZero();
                List<JsonNode> lines = new ArrayList<>();
                for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                    lines.add(JSON.readTree(line));
                }
                assertThat(lines).as("run %d", run).hasSize(24);
                for (int i = 0; i < 24; i++) {
                    assertThat(lines.get(i).path("line").asInt()).isEqualTo(i + 1);
                    assertThat(lines.get(i).path("raw").asText()).as("run %d, line %d", run, i + 1).isEqualTo(items.get(i).output());
                    assertThat(lines.get(i).path("source").asText()).isEqualTo("live:remote");
                }
            }
            assertThat(live.bodies()).as("each of 3 × 24 prompts answered once").hasSize(72);
            assertThat(live.busyAnswers()).as("the busy answers were met and retried").isGreaterThanOrEqualTo(72 / 5);
        }
    }

    /** A loopback URL on which nothing listens: a port that was just bound and released. */
    private static String deadEndpoint() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
