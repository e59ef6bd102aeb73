package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.onnx.internal.bench.Int4KernelProbe;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code bench}'s measure of ONNX Runtime's 4-bit kernel alone, the ceiling of the engine's batch-1 decoding. */
class Int4KernelProbeTest {

    @Test
    @DisplayName("the probe multiplies in the engine's own 4-bit layout (blocks of 32, zero points, accuracy level 4)")
    void layoutIsTheEngines() {
        assertThat(Int4KernelProbe.BLOCK).isEqualTo(OnnxBackend.INT4.blockSize());
        assertThat(Int4KernelProbe.ACCURACY_LEVEL).isEqualTo(OnnxBackend.INT4.accuracyLevel());
        assertThat(OnnxBackend.INT4.zeroPoints()).as("the probe reads 4-bit zero points").isTrue();
    }

    @Test
    @DisplayName("on the 1G bench model's layer shape it chains layers past 512 MB of weights and eight rows cost less than eight single rows")
    void measuresTheBenchShape() {
        Int4KernelProbe probe = Int4KernelProbe.measure(2048, 2048, 5504);
        // q, k, v, o 2048 -> 2048; gate, up 2048 -> 5504; down 5504 -> 2048
        long layer = 4 * weight(2048, 2048) + 2 * weight(2048, 5504) + weight(5504, 2048);
        assertThat(probe.layers()).isEqualTo((int) ((512L << 20) / layer + 1));
        assertThat(probe.bytes()).isEqualTo(probe.layers() * layer).isGreaterThanOrEqualTo(512L << 20);
        assertThat(probe.batch1BytesPerSecond()).as("bytes per second at batch 1").isBetween(1e8, 1e13);
        assertThat(probe.batch8Speedup()).as("the weights are read once for all eight rows").isGreaterThan(1.0);
    }

    @Test
    @DisplayName("a layer shape too small to outgrow the caches within 64 layers is refused, naming why")
    void tinyShapesAreRefused() {
        assertThatThrownBy(() -> Int4KernelProbe.measure(256, 256, 688)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too small").hasMessageContaining("64");
    }

    /** A 4-bit weight of in x out: half a byte a weight, per block of 32 a float scale and half a byte of zero point. */
    private static long weight(long in, long out) {
        long blocks = in / 32;
        return out * blocks * 16 + out * blocks * 4 + out * ((blocks + 1) / 2);
    }
}
