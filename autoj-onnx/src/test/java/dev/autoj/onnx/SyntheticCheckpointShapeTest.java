package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import java.io.IOException;
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

/** The synthetic checkpoint's shapes. */
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

    /** SHA-256 over every file of {@code dir}, in name order, each preceded by its name. */
    private static String digest(Path dir) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.sorted().toList();
            }
            for (Path file : files) {
                sha.update(file.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(file));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
