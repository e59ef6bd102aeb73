package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.family.autoj.AutoJ;
import dev.autoj.engine.family.autoj.AutoJModel;
import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synthetic checkpoint's shapes: Auto-J-13B's (the default, written byte for byte as before key/value
 * heads and rope θ were settable) and Auto-J bilingual 6B's (Yi-6B: grouped-query attention, θ 5e6).
 */
class SyntheticCheckpointShapeTest {

    @TempDir
    Path temp;

    @Test
    @DisplayName("the default (Auto-J-13B) shape writes the bytes it wrote before key/value heads and θ were settable")
    void defaultShapeWritesTheSameBytesAsBefore() throws IOException {
        Path f32 = temp.resolve("f32");
        SyntheticCheckpoint.write(f32, SyntheticCheckpoint.Shape.ofSize(12L << 20), 42);
        Path f16 = temp.resolve("f16");
        SyntheticCheckpoint.write(f16, new SyntheticCheckpoint.Shape(256, 704, 4, 2, 1024, 256), 9, "F16");
        Path bin = temp.resolve("bin");
        SyntheticCheckpoint.writeTorchBin(bin, new SyntheticCheckpoint.Shape(256, 704, 4, 3, 1024, 256), 9, 2L << 20);

        // taken from the writer as it was at a531bf9, before Shape had key/value heads and θ
        assertThat(digest(f32)).as("bench --size 12M's F32 checkpoint").isEqualTo("de3c7a577fe36e9e5d5532edb92d808151a89b9a633c1e297a622273ebb529fc");
        assertThat(digest(f16)).as("an F16 safetensors checkpoint").isEqualTo("5a31b772cdadff1e4921c2dfd4c9917fa974c7ce8942184808f4d00813cd05d3");
        assertThat(digest(bin)).as("fp16 .bin shards and their index").isEqualTo("1c03d9c02165bd86dd40c1ae5bef926e840bbb3e442544ebfe84830b60185762");
    }

    @Test
    @DisplayName("the 13b tiers keep their dimensions: 1G is hidden 2048 with 3 layers, 48.5G and 52G are 40 and 43 13B layers")
    void defaultTiersAreUnchanged() {
        assertThat(SyntheticCheckpoint.Shape.ofSize(gib(2.6))).as("--size 2.6G: the one-layer 13B slice").isEqualTo(SyntheticCheckpoint.Shape.autojSlice(1));
        assertThat(SyntheticCheckpoint.Shape.ofSize(1L << 30)).isEqualTo(new SyntheticCheckpoint.Shape(2048, 5504, 16, 16, 3, 32000, 4096, 10000.0));
        assertThat(SyntheticCheckpoint.Shape.ofSize(gib(48.5))).isEqualTo(SyntheticCheckpoint.Shape.autojSlice(40));
        assertThat(SyntheticCheckpoint.Shape.ofSize(gib(52), SyntheticCheckpoint.Base.AUTOJ_13B)).isEqualTo(SyntheticCheckpoint.Shape.autojSlice(43));
        assertThat(SyntheticCheckpoint.Shape.autojSlice(40).parameters()).as("LLaMA-2-13B").isEqualTo(13_015_864_320L);
    }

    @Test
    @DisplayName("--size 22.6G in the 6b shape is the whole of Auto-J bilingual 6B as the engine knows it: Yi-6B, 6.06B parameters, 24.24 GB in F32")
    void sixBAtFullSizeIsYiSixB() {
        SyntheticCheckpoint.Shape full = SyntheticCheckpoint.Shape.ofSize(gib(22.6), SyntheticCheckpoint.Base.BILINGUAL_6B);
        AutoJModel six = AutoJ.model(AutoJ.MODEL_BILINGUAL_6B).orElseThrow();
        assertThat(full.hidden()).isEqualTo(six.hiddenSize());
        assertThat(full.layers()).isEqualTo(six.layers());
        assertThat(full.heads()).isEqualTo(six.heads());
        assertThat(full.kvHeads()).isEqualTo(six.kvHeads());
        assertThat(full.vocab()).isEqualTo(six.vocabSize());
        assertThat(full.ropeTheta()).isEqualTo(six.ropeTheta());
        assertThat(full.maxPositions()).isEqualTo(six.maxPositions());
        assertThat(full.intermediate()).as("Yi-6B's config.json").isEqualTo(11008);
        assertThat(full).isEqualTo(SyntheticCheckpoint.Shape.bilingual6bSlice(32));
        assertThat(full.parameters()).as("Yi-6B's 6.06B").isEqualTo(6_061_035_520L);
        assertThat(full.parameters() * 4).isEqualTo(24_244_142_080L);
        assertThat(SyntheticCheckpoint.Shape.ofSize(gib(2.6), SyntheticCheckpoint.Base.BILINGUAL_6B))
                .as("--size 2.6G: the one-layer slice at Yi-6B's dimensions").isEqualTo(SyntheticCheckpoint.Shape.bilingual6bSlice(1));
        assertThat(SyntheticCheckpoint.Shape.bilingual6bSlice(1).parameters() * 4).isEqualTo(2_789_261_312L);
    }

    @Test
    @DisplayName("a tiny 6b-shaped checkpoint says 32 heads, 4 key/value heads and θ 5e6, and its key/value projections have the grouped shape")
    void sixBCheckpointIsGroupedQueryAttention() throws IOException {
        SyntheticCheckpoint.Shape shape = SyntheticCheckpoint.Shape.ofSize(40L << 20, SyntheticCheckpoint.Base.BILINGUAL_6B);
        assertThat(shape.layers()).isEqualTo(2);
        Path dir = temp.resolve("six");
        long bytes = SyntheticCheckpoint.write(dir, shape, 42);
        assertThat(bytes).isEqualTo(shape.parameters() * 4);

        JsonNode json = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertThat(json.get("num_attention_heads").asInt()).isEqualTo(32);
        assertThat(json.get("num_key_value_heads").asInt()).isEqualTo(4);
        assertThat(json.get("rope_theta").asDouble()).isEqualTo(5_000_000.0);
        ModelConfig config = ModelConfig.read(dir);
        assertThat(config.groupSize()).isEqualTo(8);
        assertThat(config.ropeTheta()).isEqualTo(5_000_000.0);

        Checkpoint checkpoint = Checkpoint.open(dir);
        long keyValue = 4L * (shape.hidden() / 32);
        for (String projection : List.of("k_proj", "v_proj")) {
            assertThat(checkpoint.tensor("model.layers.1.self_attn." + projection + ".weight", keyValue, shape.hidden()).shape())
                    .containsExactly(keyValue, shape.hidden());
        }
        assertThat(checkpoint.tensor("model.layers.1.self_attn.q_proj.weight", shape.hidden(), shape.hidden())).isNotNull();
        assertThat(Files.size(dir.resolve("model.safetensors"))).as("data and header").isGreaterThan(bytes);
    }

    @Test
    @DisplayName("a shape whose heads do not split is refused, naming the numbers")
    void unevenHeadsAreRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SyntheticCheckpoint.Shape(512, 1376, 32, 5, 1, 4096, 4096, 5e6))
                .withMessageContaining("32 heads and 5 key/value heads");
    }

    private static long gib(double count) {
        return (long) (count * (1L << 30));
    }

    /** SHA-256 over every file of {@code dir}, in name order, each preceded by its name. */
    private static String digest(Path dir) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.sorted().toList();
            }
            for (Path file : files) {
                sha.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(file));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
