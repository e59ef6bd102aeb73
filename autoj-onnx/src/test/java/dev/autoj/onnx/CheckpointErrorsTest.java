package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.CheckpointException;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged or foreign model folders fail on open with a message naming the file and tensor. */
class CheckpointErrorsTest {

    @TempDir
    Path temp;

    private OnnxBackend open(Path dir) {
        return OnnxBackend.open(OnnxOptions.of(dir).withCacheDir(temp.resolve("cache")));
    }

    @Test
    @DisplayName("a shard listed in the index but absent is named with a tensor it should hold")
    void missingShardIsNamed() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small().stored("BF16", 3), 1);
        Files.delete(model.dir.resolve("model-00002-of-00003.safetensors"));
        assertThatThrownBy(() -> open(model.dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model-00002-of-00003.safetensors")
                .hasMessageContaining("model.safetensors.index.json")
                .hasMessageContaining("does not exist");
    }

    @Test
    @DisplayName("a truncated weights file is reported with the tensor that runs past its end")
    void truncatedFileIsNamed() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 1);
        Path file = model.dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> open(model.dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors is truncated")
                .hasMessageContaining("tensor lm_head.weight")
                .hasMessageContaining("Re-download");
    }

    @Test
    @DisplayName("a file cut inside its header is truncated, not misread")
    void fileCutInsideTheHeaderIsTruncated() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 1);
        Path file = model.dir.resolve("model.safetensors");
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 50));
        assertThatThrownBy(() -> Checkpoint.open(model.dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("is truncated: its header needs");
    }

    @Test
    @DisplayName("a tensor whose shape disagrees with config.json is named with both shapes")
    void wrongShapeIsNamed() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 1);
        Path config = model.dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"intermediate_size\" : 160", "\"intermediate_size\" : 128"));
        assertThatThrownBy(() -> open(model.dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("Tensor model.layers.0.mlp.gate_proj.weight")
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("[160, 64]")
                .hasMessageContaining("[128, 64]");
    }

    @Test
    @DisplayName("an architecture other than LLaMA or Mistral is refused by name")
    void unknownArchitectureIsRefused() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small().architecture("GPT2LMHeadModel"), 1);
        assertThatThrownBy(() -> open(model.dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("GPT2LMHeadModel")
                .hasMessageContaining("LlamaForCausalLM")
                .hasMessageContaining("config.json");
    }

    @Test
    @DisplayName("an untied model without lm_head.weight names the missing tensor")
    void missingTensorIsNamed() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small().tied(true), 1);
        Path config = model.dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"tie_word_embeddings\" : true", "\"tie_word_embeddings\" : false"));
        assertThatThrownBy(() -> open(model.dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("Tensor lm_head.weight is missing");
    }

    @Test
    @DisplayName("an unsupported dtype is named with its tensor and file")
    void unsupportedDtypeIsNamed() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("int8"));
        String header = "{\"w\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        writeSafetensors(dir.resolve("model.safetensors"), header, 2);
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("Tensor w")
                .hasMessageContaining("dtype I8")
                .hasMessageContaining("F32, F16 and BF16");
    }

    @Test
    @DisplayName("a header that is not JSON is reported as a damaged file")
    void badHeaderIsReported() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("bad"));
        writeSafetensors(dir.resolve("model.safetensors"), "{\"w\": [oops", 0);
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("safetensors header")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    @DisplayName("a folder without weights says which files were expected")
    void folderWithoutWeightsIsExplained() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 1);
        Files.delete(model.dir.resolve("model.safetensors"));
        assertThatThrownBy(() -> open(model.dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors or model.safetensors.index.json");
    }

    @Test
    @DisplayName("config.json values are read as Hugging Face writes them")
    void configIsRead() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 1);
        ModelConfig config = ModelConfig.read(model.dir);
        assertThat(config.numKvHeads()).isEqualTo(2);
        assertThat(config.groupSize()).isEqualTo(2);
        assertThat(config.headDim()).isEqualTo(16);
        assertThat(config.ropeTheta()).isEqualTo(20000.0);
        assertThat(config.rmsNormEps()).isEqualTo(3e-6);
        assertThat(config.contextWindow()).isEqualTo(96);
        assertThat(config.eosIds()).containsExactly(2);
    }

    @Test
    @DisplayName("Mistral's sliding window, when smaller, bounds the context window")
    void slidingWindowBoundsTheContext() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small().architecture("MistralForCausalLM"), 1);
        Path config = model.dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"rope_scaling\" : null", "\"sliding_window\" : 48"));
        assertThat(ModelConfig.read(model.dir).contextWindow()).isEqualTo(48);
    }

    @Test
    @DisplayName("rope_scaling is refused rather than silently ignored")
    void ropeScalingIsRefused() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 1);
        Path config = model.dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"rope_scaling\" : null",
                "\"rope_scaling\" : {\"type\": \"linear\", \"factor\": 2.0}"));
        assertThatThrownBy(() -> ModelConfig.read(model.dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("rope_scaling");
    }

    private static void writeSafetensors(Path file, String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json);
        Files.write(file, out.array());
    }
}
