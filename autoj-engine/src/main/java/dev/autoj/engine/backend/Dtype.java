package dev.autoj.engine.backend;

import dev.autoj.engine.SettingText;

/**
 * Element type of an embedded model's weights, as a setting ({@code autoj.dtype}, {@code --dtype}).
 *
 * <pre>{@code
 * Dtype dtype = Dtype.parse("int4");
 * }</pre>
 */
public enum Dtype {
    /** Full precision. */
    FP32,
    /** Half-precision weights (the CPU still computes in fp32). */
    FP16,
    /**
     * Weight-only 4-bit: linear layers quantized when the model loads (asymmetric with zero points,
     * blocks of 32, {@code MatMulNBits}); embedding and norms stay fp32. A GPTQ folder runs only in this
     * type, with its own 4-bit weights.
     */
    INT4;

    /** Reads {@code fp32}, {@code fp16} or {@code int4}, any case; the message lists the allowed values. */
    public static Dtype parse(String text) {
        return SettingText.parseChoice(text, Dtype.class, t -> "dtype \"" + t + "\" is not supported; use fp32, fp16 or int4");
    }
}
