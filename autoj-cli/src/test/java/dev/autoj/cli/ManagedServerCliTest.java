package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.server.FakeJudgeServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --server-command} on the judging commands. The command runs {@link FakeJudgeServer}, a test
 * fixture answering every prompt with one fixed completion (rating 8), as its own process.
 */
class ManagedServerCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path requests() throws IOException {
        return Files.writeString(dir.resolve("in.jsonl"), JSON.createObjectNode().put("protocol", "single")
                .put("query", "What is the capital of France?").put("response", "Paris.").put("scenario", "open_question") + "\n");
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void judgeStartsTheServerUsesItAndStopsItAndARecordRunAnsweredFromTheStoreStartsNothing() throws IOException {
        Path in = requests();
        Path log = dir.resolve("server.log");
        Path store = dir.resolve("store");
        CliRun recorded = CliRun.of("judge", "--in", in.toString(), "--out", dir.resolve("out.jsonl").toString(),
                "--mode", "record", "--store", store.toString(), "--conformance", "off",
                "--server-command", FakeJudgeServer.command("--starts", dir.resolve("starts.txt").toString()),
                "--server-log", log.toString());

        assertThat(recorded.exitCode()).as(recorded.err()).isZero();
        JsonNode judgment = JSON.readTree(Files.readAllLines(dir.resolve("out.jsonl")).get(0));
        assertThat(judgment.path("rating").asDouble()).isEqualTo(8.0);
        assertThat(judgment.path("raw").asText()).isEqualTo(FakeJudgeServer.COMPLETION);
        assertThat(Files.readAllLines(dir.resolve("starts.txt"))).hasSize(1);
        Matcher pid = Pattern.compile("pid=(\\d+)").matcher(Files.readString(log));
        assertThat(pid.find()).isTrue();
        assertThat(alive(Long.parseLong(pid.group(1)))).as("stopped when the command ended").isFalse();

        CliRun replayed = CliRun.of("judge", "--in", in.toString(), "--out", dir.resolve("again.jsonl").toString(),
                "--mode", "record", "--store", store.toString(), "--conformance", "off",
                "--server-command", FakeJudgeServer.command("--starts", dir.resolve("starts-again.txt").toString()),
                "--server-log", dir.resolve("again.log").toString());
        assertThat(replayed.exitCode()).as(replayed.err()).isZero();
        assertThat(dir.resolve("starts-again.txt")).as("every judgment came from the store").doesNotExist();
    }

    @Test
    void conformanceWithAServerThatExitsFailsWithExitCode4ItsExitCodeAndLogTail() {
        CliRun run = CliRun.of("conformance", "--server-command", FakeJudgeServer.command("--exit", "3"),
                "--server-log", dir.resolve("server.log").toString());

        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.errorLine()).startsWith("autoj conformance: The judge server exited with code 3")
                .contains("Command as run: ", "fake judge server log line 49");
    }

    @Test
    void classifyTakesTheServerCommandForItsModel() throws IOException {
        Path queries = Files.writeString(dir.resolve("queries.jsonl"),
                JSON.createObjectNode().put("query", "Summarize this text.") + "\n");
        CliRun run = CliRun.of("classify", "--in", queries.toString(),
                "--server-command", FakeJudgeServer.command("--model", "GAIR/autoj-scenario-classifier", "--exit", "5"),
                "--server-log", dir.resolve("classifier.log").toString());

        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.errorLine()).contains("exited with code 5", "--model GAIR/autoj-scenario-classifier");
    }

    @Test
    void aServerCommandWithoutAPortOrBesideTheEmbeddedEngineIsAUsageError() {
        CliRun noPort = CliRun.of("conformance", "--server-command", "vllm serve GAIR/autoj-13b");
        assertThat(noPort.exitCode()).isEqualTo(2);
        assertThat(noPort.errorLine()).contains("--server-command \"vllm serve GAIR/autoj-13b\": ", "has no {port}");

        CliRun onnx = CliRun.of("conformance", "--backend", "onnx", "--model", dir.toString(),
                "--server-command", "vllm serve GAIR/autoj-13b --port {port}");
        assertThat(onnx.exitCode()).isEqualTo(2);
        assertThat(onnx.errorLine()).contains("--server-command starts a completions server, which --backend onnx does not use");
    }

    @Test
    void theOptionsAreListedInTheHelpOfEveryJudgingCommand() {
        for (List<String> command : List.of(List.of("judge"), List.of("eval", "pairwise"), List.of("conformance"), List.of("classify"))) {
            String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--help")).toArray(String[]::new);
            assertThat(CliRun.of(args).out()).as(String.join(" ", command))
                    .contains("--server-command", "--server-startup-timeout", "--server-log");
        }
    }
}
