package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.conformance.GoldenServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code autoj conformance} against the loopback server of published Auto-J answers (see {@link GoldenServer}). */
class ConformanceCommandTest {

    @Test
    void aFaithfulJudgeConformsAndExitsZero() throws Exception {
        try (GoldenServer server = GoldenServer.faithful()) {
            CliRun run = conformance("--endpoint", server.url());

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("The judge reproduces Auto-J on the golden set")
                    .contains("Conformance of GAIR/autoj-13b, live on " + server.url())
                    .contains("pairwise line 70, original order").doesNotContain("DIFFERS");
            assertThat(run.err()).isEmpty();
        }
    }

    @Test
    void aWrongJudgeExitsWith5AndTheTableMarksTheDifferingCases() throws Exception {
        try (GoldenServer server = GoldenServer.wrong()) {
            CliRun run = conformance("--endpoint", server.url());

            assertThat(run.exitCode()).isEqualTo(5);
            assertThat(run.out()).containsPattern("pairwise line 70, original order +language_polishing +Response 1 +Response 2 +DIFFERS");
            assertThat(run.errorLine()).startsWith("autoj conformance: judge does not reproduce Auto-J: ");
        }
    }

    @Test
    void recordingWithAJudgeThatDoesNotReproduceAutoJStopsBeforeAnythingIsRecorded(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("in.jsonl"),
                "{\"protocol\":\"single\",\"query\":\"Say hi\",\"response\":\"Hi!\",\"scenario\":\"chitchat\"}\n", StandardCharsets.UTF_8);
        Path store = dir.resolve("store");
        try (GoldenServer server = GoldenServer.wrong()) {
            CliRun run = CliRun.of("judge", "--in", in.toString(), "--out", dir.resolve("out.jsonl").toString(), "--endpoint",
                    server.url(), "--mode", "record", "--store", store.toString());

            assertThat(run.exitCode()).as(run.err()).isEqualTo(5);
            assertThat(run.errorLine()).startsWith("autoj judge: judge does not reproduce Auto-J: ")
                    .contains("--conformance warn or off");
        }
        assertThat(store).doesNotExist();
    }

    @Test
    void recordingWithAFaithfulJudgeRunsTheCheckFirstThenJudges(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("in.jsonl"),
                "{\"protocol\":\"single\",\"query\":\"Say hi\",\"response\":\"Hi!\",\"scenario\":\"chitchat\"}\n", StandardCharsets.UTF_8);
        try (GoldenServer server = GoldenServer.faithful()) {
            CliRun run = CliRun.of("judge", "--in", in.toString(), "--out", dir.resolve("out.jsonl").toString(), "--endpoint",
                    server.url(), "--mode", "record", "--store", dir.resolve("store").toString());

            // The golden set's 28 prompts went to the judge before the one item; the faithful server answers only those,
            // so the item itself gets the server's refusal as its no-verdict reason, and the run goes on.
            assertThat(server.requests().size()).isGreaterThanOrEqualTo(19);
            assertThat(run.err()).doesNotContain("does not reproduce");
        }
    }

    @Test
    void warnReportsTheDifferencesAsJsonAndExitsZero() throws Exception {
        try (GoldenServer server = GoldenServer.wrong()) {
            CliRun run = conformance("--endpoint", server.url(), "--warn", "--json");

            assertThat(run.exitCode()).isZero();
            JsonNode report = new ObjectMapper().readTree(run.out());
            assertThat(report.path("conforms").asBoolean(true)).isFalse();
            assertThat(report.path("cases").size()).isEqualTo(28);
            assertThat(report.path("cases").get(0).path("expected").asText()).isEqualTo("Response 1");
            assertThat(report.path("cases").get(0).path("got").asText()).isEqualTo("Response 2");
        }
    }

    @Test
    void anUnreachableServerIsOneLineAndExitCode4() throws Exception {
        String refusing;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusing = "http://127.0.0.1:" + socket.getLocalPort();
        }
        CliRun run = conformance("--endpoint", refusing);

        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.errorLine()).startsWith("autoj conformance: ").contains(refusing).doesNotContain("unexpected failure");
    }

    @Test
    void aMalformedEndpointIsAUsageError() {
        CliRun run = conformance("--endpoint", "judge-1:8000");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLine()).startsWith("autoj conformance: ").contains("judge-1:8000")
                .endsWith("(see 'autoj conformance --help')");
    }

    /** {@code autoj conformance} through {@link Main}. */
    private static CliRun conformance(String... args) {
        CommandLine cl = Main.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "conformance";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(cl, all);
    }
}
