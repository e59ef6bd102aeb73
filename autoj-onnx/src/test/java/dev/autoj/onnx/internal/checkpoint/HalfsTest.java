package dev.autoj.onnx.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HalfsTest {

    @Test
    @DisplayName("every binary16 value survives half → float → half unchanged (NaNs stay NaN)")
    void everyHalfRoundTrips() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float value = Halfs.halfToFloat((short) bits);
            short back = Halfs.floatToHalf(value);
            if (Float.isNaN(value)) {
                assertThat(Float.isNaN(Halfs.halfToFloat(back))).isTrue();
            } else {
                assertThat(back & 0xFFFF).as("half bits %04x", bits).isEqualTo(bits);
            }
        }
    }

    @Test
    @DisplayName("known binary16 values decode exactly, including subnormals and infinities")
    void knownHalves() {
        assertThat(Halfs.halfToFloat((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(Halfs.halfToFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(Halfs.halfToFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(Halfs.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(Halfs.halfToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    @DisplayName("float → half rounds to nearest, ties to even, and overflows to infinity")
    void floatToHalfRounds() {
        float ulpAtOne = 0x1p-10f;
        assertThat(Halfs.floatToHalf(1f + ulpAtOne / 2)).isEqualTo((short) 0x3C00);
        assertThat(Halfs.floatToHalf(1f + 3 * ulpAtOne / 2)).isEqualTo((short) 0x3C02);
        assertThat(Halfs.floatToHalf(1f + ulpAtOne * 0.51f)).isEqualTo((short) 0x3C01);
        assertThat(Halfs.floatToHalf(70000f)).isEqualTo((short) 0x7C00);
        assertThat(Halfs.floatToHalf(0x1p-25f * 1.01f)).isEqualTo((short) 0x0001);
        assertThat(Halfs.floatToHalf(0x1p-26f)).isEqualTo((short) 0x0000);
    }

    @Test
    @DisplayName("bfloat16 keeps the top half of a float, rounding to nearest even")
    void bf16() {
        assertThat(Halfs.bf16ToFloat((short) 0x3F80)).isEqualTo(1.0f);
        assertThat(Halfs.floatToBf16(1.0f)).isEqualTo((short) 0x3F80);
        assertThat(Halfs.floatToBf16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        assertThat(Halfs.floatToBf16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(Halfs.floatToBf16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
    }
}
