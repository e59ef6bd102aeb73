package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.conformance.GoldenServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
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
