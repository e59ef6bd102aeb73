package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.Tensor;
import dev.autoj.onnx.internal.bench.TorchSave;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The same weights written as safetensors and as PyTorch .bin read the same, down to the logits. */
class TorchBinCheckpointTest {

    private static final int[] PROMPT = {1, 17, 200, 5, 99, 42, 3, 250, 17, 17};

    @TempDir
    Path temp;

    static Stream<Arguments> layouts() {
        TinyLlama.Spec small = TinyLlama.Spec.small();
        return Stream.of(
                Arguments.of("single pytorch_model.bin, F32", small, 1, false),
                Arguments.of("three BF16 shards with pytorch_model.bin.index.json, Zip64 records", small.stored("BF16", 1), 3, true),
                Arguments.of("single F16 file, tied embeddings", small.tied(true).stored("F16", 1), 1, false));
    }

    /** Writes the tensors of {@code model}'s safetensors again as torch.save would, into {@code dir}. */
    static void writeBin(TinyLlama model, Path dir, int shards, boolean zip64) throws IOException {
        Files.createDirectories(dir);
        Files.copy(model.dir.resolve("config.json"), dir.resolve("config.json"));
        Checkpoint source = Checkpoint.open(model.dir);
        List<String> names = new ArrayList<>(model.shapes.keySet());
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        ObjectNode map = index.putObject("weight_map");
        int per = (names.size() + shards - 1) / shards;
        for (int s = 0; s < shards; s++) {
            String file = shards == 1 ? "pytorch_model.bin" : String.format("pytorch_model-%05d-of-%05d.bin", s + 1, shards);
            List<TorchSave.Item> items = new ArrayList<>();
            Map<String, byte[]> storages = new LinkedHashMap<>();
            for (String name : names.subList(Math.min(names.size(), s * per), Math.min(names.size(), (s + 1) * per))) {
                Tensor tensor = source.tensor(name, model.shapes.get(name));
                String key = String.valueOf(storages.size());
                storages.put(key, bytes(tensor.data()));
                items.add(TorchSave.Item.contiguous(name, tensor.dtype().name(), tensor.shape(), key));
                map.put(name, file);
            }
            TorchSave.write(dir.resolve(file), items, storages, zip64);
        }
        if (shards > 1) {
            Files.writeString(dir.resolve("pytorch_model.bin.index.json"), json.writeValueAsString(index));
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    @DisplayName("every tensor read from .bin equals the one read from safetensors: dtype, shape and bytes")
    void binTensorsEqualSafetensorsTensors(String label, TinyLlama.Spec spec, int shards, boolean zip64) throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("st"), spec, 21);
        writeBin(model, temp.resolve("bin"), shards, zip64);
        Checkpoint fromSafetensors = Checkpoint.open(model.dir);
        Checkpoint fromBin = Checkpoint.open(temp.resolve("bin"));
        for (Map.Entry<String, long[]> e : model.shapes.entrySet()) {
            Tensor expected = fromSafetensors.tensor(e.getKey(), e.getValue());
            Tensor actual = fromBin.tensor(e.getKey(), e.getValue());
            assertThat(actual.dtype()).as(e.getKey()).isEqualTo(expected.dtype());
            assertThat(actual.shape()).as(e.getKey()).isEqualTo(expected.shape());
            assertThat(actual.file().getFileName().toString()).endsWith(".bin");
            assertThat(bytes(actual.data())).as(e.getKey()).isEqualTo(bytes(expected.data()));
        }
        assertThat(fromBin.has("no.such.tensor")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    @DisplayName("the ONNX back end on a .bin folder gives exactly the logits of the same weights in safetensors")
    void backendOnBinGivesTheSameLogits(String label, TinyLlama.Spec spec, int shards, boolean zip64) throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("st"), spec, 22);
        Path bin = temp.resolve("bin");
        writeBin(model, bin, shards, zip64);
        float[][] expected;
        try (OnnxBackend backend = OnnxBackend.open(OnnxOptions.of(model.dir).withCacheDir(temp.resolve("cache")))) {
            expected = backend.logitsOf(PROMPT);
        }
        try (OnnxBackend backend = OnnxBackend.open(OnnxOptions.of(bin).withCacheDir(temp.resolve("cache")))) {
            assertThat(backend.logitsOf(PROMPT)).isEqualTo(expected);
        }
    }

    @Test
    void safetensorsWinWhenAFolderHoldsBoth() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 23);
        // Not a checkpoint at all: reading it would fail, so opening proves it was not read.
        Files.write(model.dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 0x02, 'N', '.'});
        Checkpoint checkpoint = Checkpoint.open(model.dir);
        assertThat(checkpoint.tensor("model.norm.weight", 64).file().getFileName().toString()).isEqualTo("model.safetensors");
    }

    @Test
    void binWeightOfAnUnsupportedTypeIsNamed() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("st"), TinyLlama.Spec.small(), 24);
        Path bin = temp.resolve("bin");
        writeBin(model, bin, 1, false);
        TorchSave.write(bin.resolve("pytorch_model.bin"),
                List.of(TorchSave.Item.contiguous("model.layers.0.self_attn.position_ids", "I64", new long[] {4}, "0")),
                Map.of("0", new byte[32]), false);
        assertThatThrownBy(() -> Checkpoint.open(bin)).hasMessageContaining("model.layers.0.self_attn.position_ids")
                .hasMessageContaining("I64").hasMessageContaining("pytorch_model.bin");
    }
}
