package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibrariesTest {

    @TempDir
    Path temp;

    @Test
    @DisplayName("ONNX Runtime's libraries are unpacked into the cache once and found there by later starts")
    void librariesAreUnpackedOnce() throws Exception {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"), "Linux only");
        Path first = NativeLibraries.unpacked(temp);
        assertThat(first).isNotNull();
        Path library = first.resolve("libonnxruntime.so");
        assertThat(first.getParent()).isEqualTo(temp.resolve("native"));
        assertThat(Files.size(library)).isGreaterThan(1 << 20);
        assertThat(Files.size(first.resolve("libonnxruntime4j_jni.so"))).isPositive();
        FileTime written = Files.getLastModifiedTime(library);
        Files.setLastModifiedTime(library, FileTime.fromMillis(written.toMillis() - 60_000));
        FileTime aged = Files.getLastModifiedTime(library);

        assertThat(NativeLibraries.unpacked(temp)).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(library)).as("not written again").isEqualTo(aged);
    }
}
