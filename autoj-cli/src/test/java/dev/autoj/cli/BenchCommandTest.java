package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class BenchCommandTest {

    @TempDir
    Path temp;

    @Test
    @DisplayName("--json prints one line with the figures, measured on a synthetic model it writes and runs, and a fresh process's start")
    void jsonLineCarriesTheSixFigures() throws Exception {
        // as the engine leaves it in a JVM that loaded ONNX Runtime and opened a model from a
        // since-deleted cache: the first-token processes must not inherit it
        ai.onnxruntime.OrtEnvironment.getEnvironment();
        String nativePath = System.getProperty("onnxruntime.native.path");
        System.setProperty("onnxruntime.native.path", temp.resolve("deleted-cache").toString());
        CliRun run;
        try {
            run = CliRun.of(new CommandLine(new BenchCommand()), "--size", "12M", "--prompt-tokens", "8",
                    "--new-tokens", "4", "--dir", temp.toString(), "--json");
        } finally {
            if (nativePath == null) {
                System.clearProperty("onnxruntime.native.path");
            } else {
                System.setProperty("onnxruntime.native.path", nativePath);
            }
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).as("no figure left unmeasured").doesNotContain("not measured");
        String[] lines = run.out().strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines[0]);
        List<String> names = new ArrayList<>();
        line.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("model_bytes", "prefill_tokens_per_s", "decode_tokens_per_s_batch1",
                "decode_tokens_per_s_batch8", "measured_bandwidth_bytes_per_s", "bandwidth_ratio", "route",
                "session_weight_bytes", "time_to_first_token_s", "peak_rss_bytes", "time_to_first_token_parts_s",
                "cold_time_to_first_token_s", "cold_peak_rss_bytes", "cold_time_to_first_token_parts_s", "session_weights");
        assertThat(line.get("model_bytes").asLong()).isBetween(8L << 20, 16L << 20);
        assertThat(line.get("route").asText()).as("auto on the CPU").isIn("step", "loop");
        for (String name : List.of("model_bytes", "prefill_tokens_per_s", "decode_tokens_per_s_batch1",
                "decode_tokens_per_s_batch8", "measured_bandwidth_bytes_per_s", "bandwidth_ratio", "session_weight_bytes",
                "time_to_first_token_s", "peak_rss_bytes")) {
            assertThat(line.get(name).asDouble()).as(name).isPositive();
        }
        // the session holds every weight of an fp32 model: the F32 size less nothing
        assertThat(line.get("session_weight_bytes").asLong()).isEqualTo(line.get("model_bytes").asLong());
        // accounted by class, the classes adding up to it, each with its form and reason
        JsonNode classes = line.get("session_weights");
        List<String> classNames = new ArrayList<>();
        classes.fieldNames().forEachRemaining(classNames::add);
        assertThat(classNames).containsExactly("linear", "head", "embedding", "norms");
        long accounted = 0;
        for (String name : classNames) {
            accounted += classes.get(name).get("bytes").asLong();
            assertThat(classes.get(name).get("stored_as").asText()).as(name).isEqualTo("fp32");
            assertThat(classes.get(name).get("why").asText()).as(name).isNotBlank();
        }
        assertThat(accounted).isEqualTo(line.get("session_weight_bytes").asLong());
        // the cold start ran first, on the empty cache, in a fresh process
        assertThat(line.get("cold_time_to_first_token_s").asDouble()).isPositive();
        assertThat(line.get("cold_peak_rss_bytes").asLong()).isGreaterThan(16L << 20);
        assertThat(line.get("cold_time_to_first_token_parts_s").get("weights").asDouble()).isGreaterThanOrEqualTo(0);
        JsonNode parts = line.get("time_to_first_token_parts_s");
        double sum = 0;
        for (String part : List.of("jvm", "ort_init", "graph", "weights", "session", "open_other", "prefill")) {
            assertThat(parts.get(part).asDouble()).as(part).isGreaterThanOrEqualTo(0);
            sum += parts.get(part).asDouble();
        }
        assertThat(sum).as("the parts add up to the time to first token").isCloseTo(line.get("time_to_first_token_s").asDouble(),
                org.assertj.core.data.Offset.offset(0.01));
        assertThat(line.get("peak_rss_bytes").asLong()).as("a JVM with a model open").isGreaterThan(16L << 20);
        assertThat(Files.size(temp.resolve("model").resolve("model.safetensors")))
                .isGreaterThan(line.get("model_bytes").asLong());
    }

    @Test
    @DisplayName("--stored bin writes fp16 PyTorch .bin and measures the int4 load from it, cold start included")
    void binCheckpointLoadsAsInt4() throws Exception {
        CliRun run = CliRun.of(new CommandLine(new BenchCommand()), "--stored", "bin", "--size", "64M", "--dtype", "int4",
                "--new-tokens", "2", "--dir", temp.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).as("no figure left unmeasured").doesNotContain("not measured");
        JsonNode line = new ObjectMapper().readTree(run.out().strip());
        assertThat(line.get("model_bytes").asLong()).as("--size is the F32 size").isBetween(56L << 20, 72L << 20);
        assertThat(line.at("/session_weights/linear/stored_as").asText()).startsWith("int4");
        assertThat(line.has("int4_kernel")).as("a 64M model's layers are too small for the 4-bit kernel probe").isFalse();
        assertThat(line.get("session_weight_bytes").asLong()).isLessThan(line.get("model_bytes").asLong() / 2);
        assertThat(line.get("cold_peak_rss_bytes").asLong()).isGreaterThan(16L << 20);
        assertThat(line.get("decode_tokens_per_s_batch1").asDouble()).isPositive();
        Path model = temp.resolve("model");
        assertThat(Files.exists(model.resolve("model.safetensors"))).as("no safetensors beside the .bin").isFalse();
        assertThat(Files.exists(model.resolve("pytorch_model.bin.index.json"))).as("one file under 10 GB").isFalse();
        assertThat(Files.size(model.resolve("pytorch_model.bin"))).as("fp16: half the F32 size, and the zip's records")
                .isBetween(line.get("model_bytes").asLong() / 2, line.get("model_bytes").asLong() / 2 + (1L << 20));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"int4", "fp32"})
    @DisplayName("--shape 6b writes a checkpoint shaped like Auto-J bilingual 6B (32 heads sharing 4 key/value heads, θ 5e6) and loads and decodes it")
    void sixBShapeLoadsAndDecodes(String dtype) throws Exception {
        CliRun run = CliRun.of(new CommandLine(new BenchCommand()), "--shape", "6b", "--size", "40M", "--dtype", dtype,
                "--prompt-tokens", "8", "--new-tokens", "2", "--dir", temp.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).as("no figure left unmeasured").doesNotContain("not measured");
        JsonNode config = new ObjectMapper().readTree(temp.resolve("model").resolve("config.json").toFile());
        assertThat(config.get("num_attention_heads").asInt()).isEqualTo(32);
        assertThat(config.get("num_key_value_heads").asInt()).isEqualTo(4);
        assertThat(config.get("rope_theta").asDouble()).isEqualTo(5_000_000.0);
        assertThat(config.get("num_hidden_layers").asInt()).as("40M: two layers of the toy 6b shape").isEqualTo(2);
        JsonNode line = new ObjectMapper().readTree(run.out().strip());
        SyntheticCheckpoint.Shape shape = SyntheticCheckpoint.Shape.ofSize(40L << 20, SyntheticCheckpoint.Base.BILINGUAL_6B);
        assertThat(line.get("model_bytes").asLong()).as("the grouped key/value projections' bytes, not 13b's").isEqualTo(shape.parameters() * 4);
        assertThat(line.at("/session_weights/linear/stored_as").asText()).startsWith(dtype);
        assertThat(line.get("prefill_tokens_per_s").asDouble()).isPositive();
        assertThat(line.get("decode_tokens_per_s_batch1").asDouble()).isPositive();
        assertThat(line.get("decode_tokens_per_s_batch8").asDouble()).isPositive();
        assertThat(line.get("time_to_first_token_s").asDouble()).isPositive();
        assertThat(line.get("cold_time_to_first_token_s").asDouble()).isPositive();
    }

    @Test
    @DisplayName("--shape 6b --size 22.6G, the size the help gives for the whole 6B, is Yi-6B's 32 layers")
    void helpGivesTheFullSixBSize() {
        BenchCommand bench = new BenchCommand();
        CommandLine line = new CommandLine(bench);
        assertThat(line.getUsageMessage().replaceAll("\\s+", "")).as("wrapped as picocli likes").contains("22.6G:all32layers,24.24GB");
        SyntheticCheckpoint.Shape full = SyntheticCheckpoint.Shape.ofSize(bench.parseSize("22.6G"), SyntheticCheckpoint.Base.BILINGUAL_6B);
        assertThat(full).isEqualTo(SyntheticCheckpoint.Shape.bilingual6bSlice(32));
        assertThat(full.parameters() * 4).isEqualTo(24_244_142_080L);
    }

    @Test
    @DisplayName("--judgment-tokens times both orders of a pairwise judgment as one batch, prefill and decoding apart")
    void judgmentIsTimed() throws Exception {
        CliRun run = CliRun.of(new CommandLine(new BenchCommand()), "--size", "12M", "--dtype", "int4", "--prompt-tokens", "8",
                "--new-tokens", "2", "--judgment-tokens", "40", "--dir", temp.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode judgment = new ObjectMapper().readTree(run.out().strip()).get("judgment");
        assertThat(judgment.get("prompt_tokens").asInt()).isEqualTo(40);
        assertThat(judgment.get("new_tokens")).hasSize(2);
        judgment.get("new_tokens").forEach(n -> assertThat(n.asInt()).isBetween(1, BenchCommand.JUDGMENT_CRITIQUE));
        assertThat(judgment.get("prefill_s").asDouble()).isPositive();
        assertThat(judgment.get("wall_s").asDouble())
                .isGreaterThanOrEqualTo(judgment.get("decode_s").asDouble());
    }

    @Test
    @DisplayName("--route loop measures the generation graph and says so")
    void loopRouteIsMeasuredAndNamed() throws Exception {
        CliRun run = CliRun.of(new CommandLine(new BenchCommand()), "--size", "12M", "--prompt-tokens", "8",
                "--new-tokens", "4", "--dir", temp.toString(), "--route", "loop", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode line = new ObjectMapper().readTree(run.out().strip());
        assertThat(line.get("route").asText()).isEqualTo("loop");
        assertThat(line.get("prefill_tokens_per_s").asDouble()).isPositive();
        assertThat(line.get("decode_tokens_per_s_batch1").asDouble()).isPositive();
        assertThat(line.get("decode_tokens_per_s_batch8").asDouble()).isPositive();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "--route, fast, --route fast is not a route",
        "--judgment-tokens, 1, --judgment-tokens must be 0 (not run) or at least 2",
        "--size, lots, --size lots is not a size",
        "--stored, gguf, '--stored gguf is not f32, f16 or bin'",
        "--shape, 7b, '--shape 7b is not a shape; use 13b (Auto-J-13B) or 6b (Auto-J bilingual 6B)'"})
    @DisplayName("a value that is not one of the option's is a usage error naming it")
    void badValueIsAUsageError(String option, String value, String message) {
        CliRun run = CliRun.of(new CommandLine(new BenchCommand()), option, value);
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(message);
    }
}
