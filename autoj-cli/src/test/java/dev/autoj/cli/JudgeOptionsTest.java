package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The judge options refuse what a run cannot use, on one line with exit code 2, before any model is asked. */
class JudgeOptionsTest {

    @TempDir
    Path dir;

    private String source;

    @BeforeEach
    void oneItem() throws IOException {
        source = Files.writeString(dir.resolve("items.jsonl"),
                "{\"scenario\":\"chitchat\",\"prompt\":\"Say hi\",\"response\":\"Hi!\"}\n", StandardCharsets.UTF_8).toString();
    }

    private static void usageError(CliRun run, String command, String message) {
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).startsWith("autoj " + command + ": " + message).endsWith("(see 'autoj " + command + " --help')");
    }

    @Test
    void theOnnxBackEndNeedsAModelFolderAndANameToRecordUnder() throws IOException {
        usageError(CliRun.of("eval", "single", "--source", source, "--backend", "onnx"),
                "eval single", "--model is required for the embedded judge in mode live: give the Hugging Face folder");
        usageError(CliRun.of("eval", "single", "--source", source, "--backend", "onnx", "--model", dir.resolve("absent").toString()),
                "eval single", "--model = " + dir.resolve("absent") + ": it is not a folder");
        Path folder = Files.createDirectories(dir.resolve("model"));
        Files.writeString(folder.resolve("config.json"), "{}");
        Files.writeString(folder.resolve("tokenizer.json"), "{}");
        usageError(CliRun.of("eval", "single", "--source", source, "--backend", "onnx", "--model", folder.toString(),
                        "--store", dir.resolve("store").toString()),
                "eval single", "--model-name is required to record with the embedded judge");
        usageError(CliRun.of("eval", "single", "--source", source, "--backend", "onnx", "--model", folder.toString(),
                        "--dtype", "int3"),
                "eval single", "dtype \"int3\" is not supported");
    }

    @Test
    void anUnknownBackEndModeOrDurationIsNamed() {
        usageError(CliRun.of("eval", "single", "--source", source, "--backend", "gpu"),
                "eval single", "Invalid value for option '--backend': unknown back end 'gpu'; use remote or onnx");
        usageError(CliRun.of("eval", "single", "--source", source, "--mode", "replayed"),
                "eval single", "Invalid value for option '--mode': unknown mode 'replayed'; use live, record or replay");
        usageError(CliRun.of("eval", "single", "--source", source, "--endpoint", "http://127.0.0.1:9", "--timeout", "soon"),
                "eval single", "Invalid value for option '--timeout': \"soon\" is not a positive duration; use e.g. 500ms, 90s (seconds are the default unit), 5m, 1h or ISO-8601 PT5M");
    }

    @Test
    void aLiveRunNeedsAnEndpointAndRecordingNeedsAStore() {
        usageError(CliRun.of("eval", "single", "--source", source, "--model-name", "my-judge"),
                "eval single", "--endpoint is required for a remote judge in mode live: give one or more base URLs");
        usageError(CliRun.of("eval", "single", "--source", source, "--endpoint", "http://127.0.0.1:9", "--mode", "record"),
                "eval single", "--mode record needs a judgment store: set --store to its folder");
    }

    @Test
    void predictionFilesAndJudgeOptionsExcludeEachOther() {
        usageError(CliRun.of("eval", "single", "--pred", source, "--mode", "replay", "--store", dir.toString()),
                "eval single", "--pred FILE evaluates answers already in files, while the model options run a model; give one or the other");
        usageError(CliRun.of("eval", "pairwise", "--source", source),
                "eval pairwise", "give the answers to evaluate (--pred FILE --exchange FILE), or model options to produce them");
        usageError(CliRun.of("eval", "pairwise", "--source", source, "--pred", source),
                "eval pairwise", "--pred needs --exchange");
        usageError(CliRun.of("eval", "single", "--mode", "replay", "--store", dir.toString()),
                "eval single", "judging needs the items: --source FILE");
    }

    @Test
    void anUnsetTokenVariableIsNamedButTheTokenNeverAppears() {
        String variable = "AUTOJ_TEST_TOKEN_THAT_IS_NOT_SET";

        CliRun run = CliRun.of("eval", "single", "--source", source, "--endpoint", "http://127.0.0.1:9", "--token-env", variable);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLine()).contains(variable, "unset or blank");
    }
}
