package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoj.onnx.internal.bench.MatVecProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench}'s bandwidth figure against a plain native read loop ({@code src/test/c/readprobe.c},
 * 1 GiB summed by as many threads as cores). Opt-in, as it is a speed measurement and needs gcc:
 * {@code -Dautoj.probeTest=true}; skipped without gcc. The two probes run alternately, five times
 * each, and the best of each is compared, so that a burst of load from other jobs hits both.
 */
class ReadProbeTest {

    @TempDir
    Path temp;

    @Test
    @DisplayName("bench's bandwidth probe reads within 10% of what a native C read loop reads")
    void benchProbeAgreesWithNativeReadLoop() throws Exception {
        assumeTrue(Boolean.getBoolean("autoj.probeTest"), "opt-in: -Dautoj.probeTest=true");
        Path binary = temp.resolve("readprobe");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-O3", "-march=native", "-pthread", "-o", binary.toString(),
                    Path.of("src/test/c/readprobe.c").toAbsolutePath().toString()).inheritIO().start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "no gcc: " + e.getMessage());
            return;
        }
        assumeTrue(gcc.waitFor(120, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc could not build the probe");
        int threads = Runtime.getRuntime().availableProcessors();
        double nativeBest = 0;
        double benchBest = 0;
        for (int i = 0; i < 5; i++) {
            Process probe = new ProcessBuilder(binary.toString(), Integer.toString(threads))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            assertThat(probe.waitFor()).isZero();
            nativeBest = Math.max(nativeBest, Double.parseDouble(out));
            benchBest = Math.max(benchBest, MatVecProbe.bytesPerSecond());
        }
        System.out.printf("read bandwidth: native %.1f GB/s, bench %.1f GB/s%n", nativeBest / 1e9, benchBest / 1e9);
        assertThat(benchBest / nativeBest).isBetween(0.9, 1.1);
        Files.deleteIfExists(binary);
    }
}
