package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.onnx.internal.checkpoint.CheckpointException;
import dev.autoj.onnx.internal.graph.ExportedGraphWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoders exported in Optimum's and onnxruntime-genai's layout (written here by
 * {@link ExportedGraphWriter} from a tiny random checkpoint) against the engine's own graph on
 * the same weights and against the double-precision reference.
 */
class ExportedDecoderTest {

    private static final int[] PROMPT = {1, 17, 200, 5, 99, 42, 3, 250, 17, 17};

    @TempDir
    Path temp;

    private TinyLlama model;

    @BeforeEach
    void writeCheckpoint() {
        model = TinyLlama.write(temp.resolve("checkpoint"), TinyLlama.Spec.small(), 7L);
    }

    private ExportedGraphWriter.Shape shape() {
        return ExportedFolders.shape(model);
    }

    /** An Optimum output folder: the decoder file, its external data and config.json. */
    private Path optimumFolder(String name, String modelFile, ExportedGraphWriter.Naming naming) throws IOException {
        return ExportedFolders.optimum(model, temp.resolve(name), modelFile, naming);
    }

    private OnnxOptions options(Path dir) {
        return OnnxOptions.of(dir).withDevice(Device.CPU).withCacheDir(temp.resolve("cache"));
    }

    private static double maxDifference(float[][] actual, double[][] expected) {
        assertThat(actual.length).isEqualTo(expected.length);
        double max = 0;
        for (int t = 0; t < expected.length; t++) {
            assertThat(actual[t]).hasSize(expected[t].length);
            for (int i = 0; i < expected[t].length; i++) {
                max = Math.max(max, Math.abs(actual[t][i] - expected[t][i]));
            }
        }
        return max;
    }

    private static double[][] widen(float[][] logits) {
        double[][] out = new double[logits.length][];
        for (int t = 0; t < logits.length; t++) {
            out[t] = new double[logits[t].length];
            for (int i = 0; i < logits[t].length; i++) {
                out[t][i] = logits[t][i];
            }
        }
        return out;
    }

    @Test
    void anOptimumModelOnnxGivesTheNativeLogitsAndTheReferenceLogits() throws IOException {
        Path dir = optimumFolder("optimum", "model.onnx", ExportedGraphWriter.Naming.optimum(true, false));
        try (ExportedDecoderBackend exported = ExportedDecoderBackend.open(options(dir));
                OnnxBackend nativeBackend = OnnxBackend.open(options(model.dir))) {
            float[][] external = exported.decoder().logitsOf(PROMPT);
            assertThat(exported.decoder().io().convention()).isEqualTo("Hugging Face Optimum");
            assertThat(exported.decoder().cacheLayout().layers()).isEqualTo(2);
            assertThat(maxDifference(external, model.referenceLogits(PROMPT))).isLessThan(1e-4);
            assertThat(maxDifference(external, widen(nativeBackend.logitsOf(PROMPT)))).isLessThan(1e-4);
        }
    }

    @Test
    void theKeyValueCachePathGivesTheLogitsOfTheWholeSequence() throws IOException {
        Path dir = optimumFolder("optimum", "model.onnx", ExportedGraphWriter.Naming.optimum(true, false));
        try (ExportedDecoderBackend exported = ExportedDecoderBackend.open(options(dir))) {
            float[][] stepped = exported.decoder().logitsWithCache(Arrays.copyOf(PROMPT, 4),
                    Arrays.copyOfRange(PROMPT, 4, PROMPT.length));
            assertThat(maxDifference(stepped, model.referenceLogits(PROMPT))).isLessThan(1e-4);
        }
    }

    @Test
    void greedyDecodingOfAnOptimumFolderEqualsTheNativePathAndTheReference() throws IOException {
        Path dir = optimumFolder("optimum", "model.onnx", ExportedGraphWriter.Naming.optimum(true, false));
        List<Integer> expected = model.referenceGreedy(PROMPT, 24);
        try (Backend any = OnnxBackend.openAny(options(dir)); OnnxBackend nativeBackend = OnnxBackend.open(options(model.dir))) {
            assertThat(any).isInstanceOf(ExportedDecoderBackend.class);
            TokenGeneration external = ((ExportedDecoderBackend) any).generateIds(PROMPT, 24);
            TokenGeneration reference = nativeBackend.generateIds(PROMPT, 24);
            assertThat(Arrays.stream(external.ids()).boxed().toList()).isEqualTo(expected);
            assertThat(external.ids()).isEqualTo(reference.ids());
            assertThat(external.stopReason()).isEqualTo(reference.stopReason());
            assertThat(external.promptTokens()).isEqualTo(PROMPT.length);
        }
    }

    @Test
    void theBudgetEndsAGenerationWithLength() throws IOException {
        Path dir = optimumFolder("optimum", "model.onnx", ExportedGraphWriter.Naming.optimum(true, false));
        List<Integer> expected = model.referenceGreedy(PROMPT, 3);
        try (ExportedDecoderBackend exported = ExportedDecoderBackend.open(options(dir).withMaxNewTokens(3))) {
            TokenGeneration result = exported.generateIds(PROMPT, 50);
            assertThat(Arrays.stream(result.ids()).boxed().toList()).isEqualTo(expected);
            assertThat(result.stopReason()).isEqualTo(expected.size() == 3 ? StopReason.LENGTH : StopReason.EOS);
        }
    }

    @Test
    void theFirstEosIdOfConfigJsonStopsTheGeneration() throws IOException {
        Path dir = optimumFolder("optimum", "model.onnx", ExportedGraphWriter.Naming.optimum(true, false));
        int[] free = model.referenceGreedy(PROMPT, 6).stream().mapToInt(Integer::intValue).toArray();
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        config.putArray("eos_token_id").add(model.spec.eosId()).add(free[3]);
        Files.writeString(dir.resolve("config.json"), config.toString());
        try (ExportedDecoderBackend exported = ExportedDecoderBackend.open(options(dir))) {
            TokenGeneration result = exported.generateIds(PROMPT, 50);
            int firstStop = 0;
            while (free[firstStop] != free[3]) {
                firstStop++;
            }
            assertThat(result.ids()).isEqualTo(Arrays.copyOf(free, firstStop));
            assertThat(result.stopReason()).isEqualTo(StopReason.EOS);
        }
    }

    @Test
    void aFloat16CacheIsFedInItsOwnTypeAndStaysWithinTheFp16ToleranceOfTheReference() throws IOException {
        Path dir = optimumFolder("half", "model.onnx", ExportedGraphWriter.Naming.optimum(true, false).withHalfCache());
        try (ExportedDecoderBackend exported = ExportedDecoderBackend.open(options(dir))) {
            assertThat(exported.decoder().cacheLayout().type()).isEqualTo(ai.onnxruntime.OnnxJavaType.FLOAT16);
            float[][] stepped = exported.decoder().logitsWithCache(Arrays.copyOf(PROMPT, 4),
                    Arrays.copyOfRange(PROMPT, 4, PROMPT.length));
            double error = maxDifference(stepped, model.referenceLogits(PROMPT));
            assertThat(error).isGreaterThan(0).isLessThan(OnnxBackendTest.FP16_TOLERANCE);
        }
    }

    @Test
    void aMergedDecoderWithUseCacheBranchAndNoPositionIdsDecodesAsTheReference() throws IOException {
        Path dir = optimumFolder("merged", "decoder_model_merged.onnx", ExportedGraphWriter.Naming.optimum(false, true));
        try (ExportedDecoderBackend exported = ExportedDecoderBackend.open(options(dir))) {
            assertThat(exported.decoder().io().useCacheBranch()).isEqualTo("use_cache_branch");
            assertThat(exported.decoder().io().positionIds()).isNull();
            TokenGeneration result = exported.generateIds(PROMPT, 16);
            assertThat(Arrays.stream(result.ids()).boxed().toList()).isEqualTo(model.referenceGreedy(PROMPT, 16));
        }
    }

    @Test
    void anOnnxruntimeGenaiFolderIsReadThroughGenaiConfigJson() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("genai"));
        ExportedGraphWriter.Naming naming = new ExportedGraphWriter.Naming("past_key_values.%d.key", "past_key_values.%d.value",
                "present.%d.key", "present.%d.value", true, false, false);
        ExportedGraphWriter.write(dir.resolve("llama-tiny-cpu-fp32.onnx"), "llama-tiny-cpu-fp32.onnx.data", shape(), naming,
                model.weights, model.shapes);
        Files.writeString(dir.resolve("genai_config.json"), """
                {"model": {"bos_token_id": 1, "eos_token_id": [%d], "context_length": 96, "vocab_size": 256,
                  "type": "llama",
                  "decoder": {"filename": "llama-tiny-cpu-fp32.onnx", "head_size": 16, "hidden_size": 64,
                    "num_attention_heads": 4, "num_key_value_heads": 2, "num_hidden_layers": 2,
                    "inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask", "position_ids": "position_ids",
                      "past_key_names": "past_key_values.%%d.key", "past_value_names": "past_key_values.%%d.value"},
                    "outputs": {"logits": "logits", "present_key_names": "present.%%d.key",
                      "present_value_names": "present.%%d.value"}}},
                 "search": {"max_length": 96}}
                """.formatted(model.spec.eosId()));
        try (Backend any = OnnxBackend.openAny(options(dir))) {
            ExportedDecoderBackend exported = (ExportedDecoderBackend) any;
            assertThat(exported.decoder().io().convention()).startsWith("onnxruntime-genai");
            assertThat(exported.decoder().limits().contextWindow()).isEqualTo(96);
            TokenGeneration result = exported.generateIds(PROMPT, 20);
            assertThat(Arrays.stream(result.ids()).boxed().toList()).isEqualTo(model.referenceGreedy(PROMPT, 20));
        }
    }

    @Test
    void aDecoderWithOtherNamesIsRejectedListingWhatWasFoundAndExpected() throws IOException {
        ExportedGraphWriter.Naming other = new ExportedGraphWriter.Naming("past_key.%d", "past_value.%d", "present_key.%d",
                "present_value.%d", true, false, false);
        Path dir = optimumFolder("other", "model.onnx", other);
        assertThatThrownBy(() -> ExportedDecoderBackend.open(options(dir)))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("does not follow the Hugging Face Optimum naming")
                .hasMessageContaining("Missing: input past_key_values.0.key")
                .hasMessageContaining("output present.0.key")
                .hasMessageContaining("inputs it has that the engine cannot feed: ")
                .hasMessageContaining("past_key.0")
                .hasMessageContaining("genai_config.json");
    }

    @Test
    void aGenaiConfigNamingAMissingFileSaysWhichFile() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("genai-missing"));
        Files.writeString(dir.resolve("genai_config.json"),
                "{\"model\": {\"eos_token_id\": 2, \"decoder\": {\"filename\": \"model.onnx\"}}}");
        assertThatThrownBy(() -> OnnxBackend.openAny(options(dir)))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("names the decoder file model.onnx, which is not in");
    }

    @Test
    void anOptimumFolderWithTokenizerJsonAnswersTextRequestsAsTheNativeBackendDoes() throws IOException {
        Path tokenizerJson = SharedFiles.tokenizer("llama2");
        TinyLlama.Spec spec = TinyLlama.Spec.small().vocab(32000).shape(32, 64, 4, 2, 1).tied(true).maxPositions(1024);
        model = TinyLlama.write(temp.resolve("tiny-32000"), spec, 2024);
        Files.copy(tokenizerJson, model.dir.resolve("tokenizer.json"));
        Path dir = optimumFolder("optimum-text", "model.onnx", ExportedGraphWriter.Naming.optimum(true, false));
        List<GenerationRequest> requests = List.of(new GenerationRequest("[INST] Is 2 + 2 four? [/INST]", 24),
                new GenerationRequest("Write a haiku about tests.", 12));
        try (Backend exported = OnnxBackend.openAny(options(dir)); OnnxBackend nativeBackend = OnnxBackend.open(options(model.dir))) {
            List<Generation> external = exported.generate(requests);
            List<Generation> reference = nativeBackend.generate(requests);
            assertThat(exported.name()).isEqualTo("onnx");
            assertThat(exported.modelId()).isEqualTo("optimum-text");
            for (int i = 0; i < requests.size(); i++) {
                assertThat(external.get(i).text()).isEqualTo(reference.get(i).text());
                assertThat(external.get(i).stopReason()).isEqualTo(reference.get(i).stopReason());
                assertThat(external.get(i).promptTokens()).isEqualTo(reference.get(i).promptTokens());
                assertThat(external.get(i).generatedTokens()).isEqualTo(reference.get(i).generatedTokens()).isPositive();
            }
        }
    }

    @Test
    void aCheckpointFolderStillOpensTheNativeBackend() {
        assertThat(ExportedDecoderBackend.isExportedDecoder(model.dir)).isFalse();
        try (Backend any = OnnxBackend.openAny(options(model.dir))) {
            assertThat(any).isInstanceOf(OnnxBackend.class);
        }
    }
}
