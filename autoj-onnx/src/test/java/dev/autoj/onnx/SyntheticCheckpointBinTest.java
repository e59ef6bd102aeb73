package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.StoredTensor;
import dev.autoj.onnx.internal.checkpoint.Tensor;
import dev.autoj.onnx.internal.checkpoint.TorchBin;
import dev.autoj.onnx.internal.graph.LlamaWeights;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code bench --stored bin}'s checkpoint: fp16 PyTorch {@code .bin} shards written by
 * {@link SyntheticCheckpoint#writeTorchBin} hold, tensor by tensor, the bytes of the F16
 * safetensors checkpoint of the same shape and seed, and the engine decodes the same on both.
 */
class SyntheticCheckpointBinTest {

    /** Three layers, 5.8 MB in fp16; hidden and intermediate multiples of the 4-bit block. */
    private static final SyntheticCheckpoint.Shape SHAPE = new SyntheticCheckpoint.Shape(256, 704, 4, 3, 1024, 256);
    private static final long SHARD = 2L << 20;
    private static final int[] PROMPT = {1, 17, 200, 5, 99, 42, 3, 250, 17, 17};

    @TempDir
    Path temp;

    private Path bin;
    private Path safetensors;
    private long binBytes;
    private long safetensorsBytes;

    @BeforeEach
    void write() {
        bin = temp.resolve("bin");
        safetensors = temp.resolve("st");
        binBytes = SyntheticCheckpoint.writeTorchBin(bin, SHAPE, 9, SHARD);
        safetensorsBytes = SyntheticCheckpoint.write(safetensors, SHAPE, 9, "F16");
    }

    @Test
    @DisplayName("sharded as save_pretrained shards (index, total size), each shard a valid zip, every tensor the F16 safetensors' bytes")
    void binShardsHoldTheF16SafetensorsBytes() throws IOException {
        assertThat(binBytes).isEqualTo(safetensorsBytes);
        List<Path> shards;
        try (Stream<Path> files = Files.list(bin)) {
            shards = files.filter(f -> f.getFileName().toString().endsWith(".bin")).sorted().toList();
        }
        assertThat(shards.size()).as("a small shard size forces shards").isGreaterThanOrEqualTo(3);
        assertThat(shards.get(0).getFileName().toString()).isEqualTo(String.format("pytorch_model-00001-of-%05d.bin", shards.size()));
        assertThat(Files.exists(bin.resolve("model.safetensors"))).isFalse();
        JsonNode index = new ObjectMapper().readTree(bin.resolve("pytorch_model.bin.index.json").toFile());
        assertThat(index.at("/metadata/total_size").asLong()).isEqualTo(binBytes);

        Set<String> names = new HashSet<>();
        for (Path shard : shards) {
            long tensorBytes = 0;
            for (StoredTensor t : TorchBin.read(shard)) {
                assertThat(t.dtype()).isEqualTo("F16");
                assertThat(t.begin() % 64).as("%s is 64-byte aligned", t.name()).isZero();
                assertThat(index.at("/weight_map/" + t.name().replace("/", "~1")).asText()).isEqualTo(shard.getFileName().toString());
                tensorBytes += t.end() - t.begin();
                names.add(t.name());
            }
            assertThat(tensorBytes).as("%s stays within the shard size unless one tensor alone is larger", shard).isLessThanOrEqualTo(SHARD);
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(shard))) {
                int entries = 0;
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    zip.transferTo(java.io.OutputStream.nullOutputStream()); // checks the CRC-32 at the entry's end
                    entries++;
                }
                assertThat(entries).isGreaterThan(3);
            }
        }

        Checkpoint fromBin = Checkpoint.open(bin);
        Checkpoint fromSafetensors = Checkpoint.open(safetensors);
        List<LlamaWeights.Weight> weights = LlamaWeights.weights(ModelConfig.read(bin));
        assertThat(names).hasSize(weights.size());
        for (LlamaWeights.Weight w : weights) {
            Tensor expected = fromSafetensors.tensor(w.name(), w.shape());
            Tensor actual = fromBin.tensor(w.name(), w.shape());
            assertThat(actual.file().getFileName().toString()).startsWith("pytorch_model-");
            assertThat(actual.dtype()).as(w.name()).isEqualTo(expected.dtype());
            assertThat(bytes(actual.data())).as(w.name()).isEqualTo(bytes(expected.data()));
        }
    }

    @Test
    @DisplayName("the whole model under the shard size is one pytorch_model.bin, no index")
    void smallModelIsOneFile() {
        Path one = temp.resolve("one");
        SyntheticCheckpoint.writeTorchBin(one, SHAPE, 9, SyntheticCheckpoint.TORCH_SHARD_BYTES);
        assertThat(Files.isRegularFile(one.resolve("pytorch_model.bin"))).isTrue();
        assertThat(Files.exists(one.resolve("pytorch_model.bin.index.json"))).isFalse();
        assertThat(Checkpoint.open(one).fingerprint()).isNotEqualTo(Checkpoint.open(bin).fingerprint());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Dtype.class, names = {"FP32", "INT4"})
    @DisplayName("the engine gives the same greedy ids on the .bin shards as on the F16 safetensors")
    void sameGreedyIds(Dtype dtype) {
        List<int[]> ids = new ArrayList<>();
        for (Path model : List.of(safetensors, bin)) {
            OnnxOptions options = OnnxOptions.of(model).withDtype(dtype).withCacheDir(temp.resolve("cache-" + model.getFileName()))
                    .withMaxNewTokens(8);
            try (OnnxBackend backend = OnnxBackend.open(options)) {
                ids.add(backend.generateIds(PROMPT, 8).ids());
            }
        }
        assertThat(ids.get(0)).as("tokens decoded on the safetensors").isNotEmpty();
        assertThat(ids.get(1)).isEqualTo(ids.get(0));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
