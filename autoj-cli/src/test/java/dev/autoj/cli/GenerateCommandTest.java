package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.OnnxBackend;
import dev.autoj.onnx.OnnxOptions;
import dev.autoj.onnx.TinyLlama;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

    @TempDir
    Path temp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new GenerateCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    @DisplayName("--prompt-ids with --json prints one line whose ids are the reference greedy continuation")
    void jsonLineCarriesTheGeneratedIds() throws Exception {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        int code = run("--model", model.dir.toString(), "--prompt-ids", "1,17,200,5", "--max-new-tokens", "6",
                "--cache-dir", temp.resolve("cache").toString(), "--json");

        assertThat(code).as(err.toString()).isZero();
        String[] lines = out.toString().strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines[0]);
        List<Integer> ids = new ArrayList<>();
        line.get("ids").forEach(n -> ids.add(n.asInt()));
        assertThat(ids).isEqualTo(model.referenceGreedy(new int[] {1, 17, 200, 5}, 6));
        assertThat(line.get("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(line.get("stop_reason").asText()).isEqualTo(ids.size() == 6 ? "length" : "eos");
        assertThat(line.get("prefill_ms").asDouble()).isPositive();
        assertThat(line.has("decode_tokens_per_s")).isTrue();
        assertThat(line.get("text").isNull()).as("no tokenizer.json in the folder, so no text").isTrue();
    }

    @Test
    @DisplayName("generate --model on a GPTQ folder runs it as int4 without --dtype and continues as the reference on its dequantized weights")
    void gptqFolderGenerates() throws Exception {
        dev.autoj.onnx.TinyGptq gptq = dev.autoj.onnx.TinyGptq.write(temp.resolve("gptq"), 7, 32,
                false, true, true);
        int code = run("--model", gptq.dir.toString(), "--prompt-ids", "1,17,200,5", "--max-new-tokens", "6",
                "--cache-dir", temp.resolve("cache").toString(), "--json");

        assertThat(code).as(err.toString()).isZero();
        JsonNode line = new ObjectMapper().readTree(out.toString().strip());
        List<Integer> ids = new ArrayList<>();
        line.get("ids").forEach(n -> ids.add(n.asInt()));
        // accuracy_level 4 (int8 activations) may in principle flip a near-tie; on this model it does not.
        assertThat(ids).isEqualTo(gptq.reference.referenceGreedy(new int[] {1, 17, 200, 5}, 6));

        int refused = run("--model", gptq.dir.toString(), "--prompt-ids", "1,17", "--dtype", "fp16",
                "--cache-dir", temp.resolve("cache").toString());
        assertThat(refused).isNotZero();
        assertThat(err.toString()).contains("4-bit GPTQ checkpoint").contains("--dtype int4");
    }

    @Test
    @DisplayName("a long command line on a small main-thread stack does not crash the JVM (native recursion in ONNX Runtime start-up)")
    void longCommandLineDoesNotCrashTheJvm() throws Exception {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small().maxPositions(4096), 7);
        StringBuilder ids = new StringBuilder("1");
        for (int i = 1; i < 3000; i++) {
            ids.append(',').append(100 + i % 150);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xss256k", "-cp", System.getProperty("java.class.path"),
                GenerateMain.class.getName(), "--model", model.dir.toString(), "--prompt-ids", ids.toString(),
                "--max-new-tokens", "2", "--cache-dir", temp.resolve("cache").toString(), "--json")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).contains("\"prompt_tokens\":3000");
    }

    @Test
    @DisplayName("a bad checkpoint exits with 1 and one line naming the problem")
    void badCheckpointExitsWithOne() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small().architecture("BertModel"), 7);
        int code = run("--model", model.dir.toString(), "--prompt-ids", "1", "--cache-dir", temp.resolve("c").toString());
        assertThat(code).isEqualTo(GenerateCommand.BAD_INPUT);
        assertThat(err.toString()).startsWith("generate: ").contains("BertModel").contains("LlamaForCausalLM");
    }

    @Test
    @DisplayName("an unknown dtype and a missing prompt are usage errors")
    void usageErrors() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        assertThat(run("--model", model.dir.toString(), "--prompt-ids", "1", "--dtype", "int3")).isEqualTo(2);
        assertThat(err.toString()).contains("int3").contains("fp32, fp16 or int4");
        assertThat(run("--model", model.dir.toString())).isEqualTo(2);
        assertThat(run("--model", model.dir.toString(), "--prompt-ids", "1", "--device", "tpu")).isEqualTo(2);
        assertThat(err.toString()).contains("tpu").contains("auto, cpu or cuda");
    }

    @Test
    @DisplayName("--dtype int4 generates what the back end generates with 4-bit weights")
    void int4GeneratesWithFourBitWeights() throws Exception {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        int code = run("--model", model.dir.toString(), "--prompt-ids", "1,17,200,5", "--max-new-tokens", "8",
                "--dtype", "int4", "--cache-dir", temp.resolve("cache").toString(), "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode line = new ObjectMapper().readTree(out.toString().strip());
        List<Integer> ids = new ArrayList<>();
        line.get("ids").forEach(n -> ids.add(n.asInt()));
        try (OnnxBackend backend = OnnxBackend.open(OnnxOptions.of(model.dir).withDtype(Dtype.INT4)
                .withCacheDir(temp.resolve("cache")))) {
            assertThat(ids).containsExactlyElementsOf(
                    java.util.Arrays.stream(backend.generateIds(new int[] {1, 17, 200, 5}, 8).ids()).boxed().toList());
        }
    }

    @Test
    @DisplayName("--device cuda without a usable CUDA exits with 1 and one line saying what is missing")
    void cudaWithoutAGpuExitsWithOne() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        try (OnnxBackend probe = OnnxBackend.open(OnnxOptions.of(model.dir).withDevice(Device.AUTO)
                .withCacheDir(temp.resolve("cache")))) {
            Assumptions.assumeTrue(probe.device() == Device.CPU, "CUDA is usable on this machine");
        }
        int code = run("--model", model.dir.toString(), "--prompt-ids", "1,17", "--device", "cuda",
                "--cache-dir", temp.resolve("cache").toString());
        assertThat(code).isEqualTo(GenerateCommand.BAD_INPUT);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("generate: Device cuda was requested for ").contains(" but ONNX Runtime could not use CUDA")
                .contains("com.microsoft.onnxruntime:onnxruntime_gpu");
    }
}
