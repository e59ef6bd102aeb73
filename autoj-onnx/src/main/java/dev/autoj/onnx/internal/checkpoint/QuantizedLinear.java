package dev.autoj.onnx.internal.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The weight of one linear layer in 4-bit blocks, laid out exactly as ONNX Runtime's
 * {@code com.microsoft.MatMulNBits} reads it, so the buffers go to the session unchanged.
 *
 * <pre>{@code
 * QuantizedLinear q = QuantizedLinear.quantize(checkpoint.tensor("model.layers.0.mlp.up_proj.weight", shape), 32);
 * float w = q.dequantize(row, column);   // (code - zero point) * scale
 * }</pre>
 *
 * <p>Layout, for a Hugging Face weight {@code W[out][in]} ({@code N = outFeatures},
 * {@code K = inFeatures}, {@code B = blocksPerRow() = ceil(K / blockSize)}):
 * <ul>
 *   <li>{@code packed}: uint8 {@code [N][B][blockSize / 2]}; element {@code k} of row {@code n} is
 *       in block {@code k / blockSize} at index {@code i = k % blockSize}, in byte {@code i / 2},
 *       the low nibble for even {@code i} and the high nibble for odd {@code i}. Positions past
 *       {@code K} in the last block are padding.</li>
 *   <li>{@code scales}: float32, native byte order, {@code [N][B]}.</li>
 *   <li>{@code zeroPoints}: {@code null} for the implicit zero point 8 (symmetric), or uint8
 *       {@code [N][ceil(B / 2)]}, two 4-bit zero points per byte, low nibble first (the layout
 *       GPTQ's {@code qzeros} map to after unpacking and adding GPTQ's off-by-one).</li>
 * </ul>
 * The value of element {@code (n, k)} is {@code (code - zeroPoint) * scale}.
 *
 * @param bits bits per weight; only 4
 * @param blockSize weights sharing one scale along {@code in}: a power of two, at least 16 (32 or 128 in practice)
 * @param outFeatures rows of the Hugging Face weight ({@code N})
 * @param inFeatures columns of the Hugging Face weight ({@code K})
 * @param packed direct buffer of 4-bit codes (see above)
 * @param scales direct buffer of float32 scales in native order
 * @param zeroPoints direct buffer of packed zero points, or {@code null} for the implicit 8
 */
public record QuantizedLinear(int bits, int blockSize, int outFeatures, int inFeatures, ByteBuffer packed,
        ByteBuffer scales, ByteBuffer zeroPoints) {

    public QuantizedLinear {
        if (bits != 4) {
            throw new IllegalArgumentException("only 4-bit weights are supported, got " + bits + " bits");
        }
        if (blockSize < 16 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two of at least 16, got " + blockSize);
        }
        if (outFeatures < 1 || inFeatures < 1) {
            throw new IllegalArgumentException("shape [" + outFeatures + ", " + inFeatures + "] is empty");
        }
        Objects.requireNonNull(packed, "packed");
        Objects.requireNonNull(scales, "scales");
        long blocks = (long) outFeatures * ((inFeatures + blockSize - 1) / blockSize);
        require("packed", packed, blocks * blockSize / 2);
        require("scales", scales, blocks * 4);
        if (zeroPoints != null) {
            require("zeroPoints", zeroPoints, (long) outFeatures * ((blocksPer(inFeatures, blockSize) + 1) / 2));
        }
    }

    private static void require(String what, ByteBuffer buffer, long bytes) {
        if (buffer.capacity() != bytes) {
            throw new IllegalArgumentException(what + " holds " + buffer.capacity() + " bytes, the layout needs " + bytes);
        }
    }

    private static int blocksPer(int inFeatures, int blockSize) {
        return (inFeatures + blockSize - 1) / blockSize;
    }

    /** Shape of the codes of an {@code out} x {@code in} weight in blocks of {@code blockSize}: [N][B][blockSize / 2]. */
    public static long[] codesShape(long out, long in, int blockSize) {
        return new long[] {out, blocks(in, blockSize), blockSize / 2};
    }

    /** Shape of the scales of an {@code out} x {@code in} weight in blocks of {@code blockSize}: [N * B]. */
    public static long[] scalesShape(long out, long in, int blockSize) {
        return new long[] {out * blocks(in, blockSize)};
    }

    /** Shape of the packed zero points of an {@code out} x {@code in} weight in blocks of {@code blockSize}: [N * ceil(B / 2)]. */
    public static long[] zeroPointsShape(long out, long in, int blockSize) {
        return new long[] {out * ((blocks(in, blockSize) + 1) / 2)};
    }

    private static long blocks(long in, int blockSize) {
        return (in + blockSize - 1) / blockSize;
    }

    /** {@code ceil(inFeatures / blockSize)}. */
    public int blocksPerRow() {
        return blocksPer(inFeatures, blockSize);
    }

    /** The weight {@code W[n][k]} this encodes, computed in float32 as MatMulNBits does. */
    public float dequantize(int n, int k) {
        int blocks = blocksPerRow();
        int block = k / blockSize;
        int i = k % blockSize;
        long byteIndex = ((long) n * blocks + block) * (blockSize / 2) + i / 2;
        int b = packed.get(Math.toIntExact(byteIndex)) & 0xFF;
        int code = (i & 1) == 0 ? b & 0x0F : b >>> 4;
        int zero = 8;
        if (zeroPoints != null) {
            int z = zeroPoints.get(n * ((blocks + 1) / 2) + block / 2) & 0xFF;
            zero = (block & 1) == 0 ? z & 0x0F : z >>> 4;
        }
        float scale = scales.order(ByteOrder.nativeOrder()).getFloat(Math.toIntExact(((long) n * blocks + block) * 4));
        return (code - zero) * scale;
    }

    /**
     * Symmetric 4-bit quantization of a {@code [out, in]} weight: per block, scale =
     * max|w| / 7 and code = clamp(round(w / scale), -8, 7) + 8, implicit zero point 8. Rows are
     * quantized in parallel into direct buffers (1/8 of the fp32 size), reading the tensor where
     * it lies (a memory-mapped file), so no copy of the weight reaches the Java heap.
     */
    public static QuantizedLinear quantize(Tensor tensor, int blockSize) {
        return quantize(tensor, blockSize, false);
    }

    /**
     * 4-bit quantization of a {@code [out, in]} weight, symmetric as {@link #quantize(Tensor, int)}
     * or, with {@code asymmetric}, over each block's range extended to include 0:
     * scale = (max − min) / 15, zero point = clamp(round(−min / scale), 0, 15),
     * code = clamp(round(w / scale) + zero point, 0, 15). The asymmetric form spends all 16 codes
     * on the block's actual range, about 15% less rounding error on Gaussian-like weights, for
     * half a byte more per block.
     */
    public static QuantizedLinear quantize(Tensor tensor, int blockSize, boolean asymmetric) {
        if (tensor.shape().length != 2) {
            throw new IllegalArgumentException("tensor " + tensor.name() + " has " + tensor.shape().length
                    + " dimensions; only [out, in] matrices are quantized");
        }
        if (blockSize < 16 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two of at least 16, got " + blockSize);
        }
        int n = Math.toIntExact(tensor.shape()[0]);
        int k = Math.toIntExact(tensor.shape()[1]);
        int blocks = blocksPer(k, blockSize);
        int zeroBytesPerRow = (blocks + 1) / 2;
        ByteBuffer packed = ByteBuffer.allocateDirect(Math.toIntExact((long) n * blocks * blockSize / 2));
        ByteBuffer scales = ByteBuffer.allocateDirect(Math.toIntExact((long) n * blocks * 4)).order(ByteOrder.nativeOrder());
        ByteBuffer zeros = asymmetric ? ByteBuffer.allocateDirect(n * zeroBytesPerRow) : null;
        IntStream.range(0, n).parallel().forEach(row -> {
            long rowStart = (long) row * k;
            for (int block = 0; block < blocks; block++) {
                int from = block * blockSize;
                int to = Math.min(k, from + blockSize);
                float min = 0;
                float max = 0;
                for (int c = from; c < to; c++) {
                    float w = tensor.get(rowStart + c);
                    min = Math.min(min, w);
                    max = Math.max(max, w);
                }
                float scale;
                int zero;
                if (asymmetric) {
                    scale = (max - min) / 15f;
                    zero = scale == 0 ? 8 : Math.max(0, Math.min(15, Math.round(-min / scale)));
                    int z = zeros.get(row * zeroBytesPerRow + block / 2) & 0xFF;
                    z = (block & 1) == 0 ? (z & 0xF0) | zero : (z & 0x0F) | zero << 4;
                    zeros.put(row * zeroBytesPerRow + block / 2, (byte) z);
                } else {
                    scale = Math.max(max, -min) / 7f;
                    zero = 8;
                }
                float inverse = scale == 0 ? 0 : 1f / scale;
                int base = (row * blocks + block) * (blockSize / 2);
                for (int i = 0; i < blockSize; i += 2) {
                    int lo = code(from + i < to ? tensor.get(rowStart + from + i) : 0, inverse, zero);
                    int hi = code(from + i + 1 < to ? tensor.get(rowStart + from + i + 1) : 0, inverse, zero);
                    packed.put(base + i / 2, (byte) (lo | hi << 4));
                }
                scales.putFloat((row * blocks + block) * 4, scale);
            }
        });
        return new QuantizedLinear(4, blockSize, n, k, packed, scales, zeros);
    }

    private static int code(float w, float inverse, int zero) {
        return Math.max(0, Math.min(15, Math.round(w * inverse) + zero));
    }
}
