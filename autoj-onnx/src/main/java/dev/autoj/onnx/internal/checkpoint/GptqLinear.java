package dev.autoj.onnx.internal.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * One 4-bit GPTQ linear layer as AutoGPTQ stores it, and its repacking into ONNX Runtime's
 * {@code MatMulNBits} layout ({@link QuantizedLinear}).
 *
 * <p>AutoGPTQ's layout, for a layer with {@code K = inFeatures}, {@code N = outFeatures} and
 * {@code G} groups:
 * <ul>
 *   <li>{@code qweight} int32 {@code [K / 8, N]}: input {@code k} of output {@code n} is bits
 *       {@code 4 * (k % 8)} to {@code 4 * (k % 8) + 3} of {@code qweight[k / 8][n]} (packed along
 *       the input dimension, lowest bits first);</li>
 *   <li>{@code qzeros} int32 {@code [G, N / 8]}: the zero point of group {@code g}, output
 *       {@code n} is bits {@code 4 * (n % 8)}.. of {@code qzeros[g][n / 8]} (packed along the
 *       output dimension); AutoGPTQ's original format stores {@code zero - 1}, so the zero point
 *       is the stored value plus {@link #zeroOffset()} (1; 0 for the {@code gptq_v2} format);</li>
 *   <li>{@code scales} fp16 {@code [G, N]};</li>
 *   <li>{@code g_idx} int32 {@code [K]}: the group of each input; {@code k / groupSize} unless the
 *       model was quantized with act-order ({@code desc_act}).</li>
 * </ul>
 * {@code W[n][k] = (code - zero) * scale} with the group {@code g_idx[k]}.
 *
 * <pre>{@code
 * GptqLinear q = gptq.linear("model.layers.0.mlp.up_proj");
 * GptqLinear.Repacked r = q.toMatMulNBits();  // r.weight() for MatMulNBits, r.inputOrder() for act-order
 * }</pre>
 */
public record GptqLinear(String name, int inFeatures, int outFeatures, int groupSize, int zeroOffset,
        ByteBuffer qweight, ByteBuffer qzeros, ByteBuffer scales, String scalesDtype, int[] groupIndex) {

    /**
     * The weight in MatMulNBits layout, and the order in which its inputs must be fed.
     *
     * @param inputOrder {@code null} when the inputs keep their order; otherwise MatMulNBits'
     *     input {@code j} is the layer's input {@code inputOrder[j]}, so the graph gathers the
     *     activations with these indices along their last axis before the MatMulNBits
     */
    public record Repacked(QuantizedLinear weight, int[] inputOrder) {
    }

    /** The group of input {@code k} ({@code g_idx[k]}). */
    public int group(int k) {
        return groupIndex[k];
    }

    /** The 4-bit code of input {@code k}, output {@code n}. */
    public int code(int n, int k) {
        int word = qweight.getInt(Math.toIntExact(((long) (k / 8) * outFeatures + n) * 4));
        return (word >>> (4 * (k % 8))) & 0xF;
    }

    /** The zero point of group {@code g}, output {@code n}, AutoGPTQ's offset applied. */
    public int zero(int g, int n) {
        int words = outFeatures / 8;
        int word = qzeros.getInt(Math.toIntExact(((long) g * words + n / 8) * 4));
        return ((word >>> (4 * (n % 8))) & 0xF) + zeroOffset;
    }

    /** The scale of group {@code g}, output {@code n}, as a float. */
    public float scale(int g, int n) {
        long index = (long) g * outFeatures + n;
        return switch (scalesDtype) {
            case "F16" -> Halfs.halfToFloat(scales.getShort(Math.toIntExact(index * 2)));
            case "BF16" -> Halfs.bf16ToFloat(scales.getShort(Math.toIntExact(index * 2)));
            default -> scales.getFloat(Math.toIntExact(index * 4));
        };
    }

    /** {@code W[n][k]} as GPTQ defines it, in float32: {@code (code - zero) * scale}. */
    public float dequantize(int n, int k) {
        int g = group(k);
        return (code(n, k) - zero(g, n)) * scale(g, n);
    }

    /**
     * The MatMulNBits block size {@link #toMatMulNBits} repacks into: the largest power of two
     * that divides the group size, at most 128 (below 16 the layer cannot be repacked).
     */
    public int blockSize() {
        return Math.min(Integer.lowestOneBit(groupSize), 128);
    }

    /**
     * Repacks into MatMulNBits blocks. The block size is the largest power of two that divides
     * the group size, at most 128 (128 for Auto-J's groups of 128; 128 with each scale repeated
     * for a single group per column), so every block lies in one GPTQ group and the result is
     * exact: {@code repacked.dequantize(n, j) == dequantize(n, order[j])} bit for bit.
     *
     * @throws CheckpointException when a zero point does not fit 4 bits (AutoGPTQ's original
     *     format cannot store a zero of 0, and such files hold corrupted neighbours) or act-order
     *     groups are not all of the same size
     */
    public Repacked toMatMulNBits() {
        int block = blockSize();
        if (block < 16) {
            throw new CheckpointException(name + " has GPTQ groups of " + groupSize + " inputs; MatMulNBits blocks "
                    + "are powers of two of at least 16 that must divide the group. Re-quantize with group size 32, 64 or 128.");
        }
        int[] order = inputOrder();
        int[] position = new int[inFeatures];
        if (order != null) {
            for (int j = 0; j < inFeatures; j++) {
                position[order[j]] = j;
            }
        } else {
            Arrays.setAll(position, k -> k);
        }
        int blocks = (inFeatures + block - 1) / block;
        int zeroBytes = (blocks + 1) / 2;
        ByteBuffer packed = ByteBuffer.allocateDirect(Math.toIntExact((long) outFeatures * blocks * block / 2));
        ByteBuffer scaleBuffer = ByteBuffer.allocateDirect(Math.toIntExact((long) outFeatures * blocks * 4))
                .order(ByteOrder.nativeOrder());
        ByteBuffer zeros = ByteBuffer.allocateDirect(outFeatures * zeroBytes);
        AtomicBoolean symmetric = new AtomicBoolean(true);
        int blockSize = block;
        IntStream.range(0, outFeatures).parallel().forEach(n -> {
            for (int b = 0; b < blocks; b++) {
                int g = group(order == null ? b * blockSize : order[b * blockSize]);
                int zero = zero(g, n);
                if (zero > 15) {
                    throw new CheckpointException(name + " has zero point " + zero + " (stored " + (zero - zeroOffset)
                            + ") for group " + g + ", output " + n + ", which 4 bits cannot hold. AutoGPTQ's original "
                            + "format cannot represent a zero point of 0 and corrupts neighbouring values when it meets "
                            + "one; re-quantize with sym=True or save in the gptq_v2 format.");
                }
                if (zero != 8) {
                    symmetric.set(false);
                }
                int at = n * zeroBytes + b / 2;
                zeros.put(at, (byte) (zeros.get(at) | zero << (4 * (b & 1))));
                scaleBuffer.putFloat((n * blocks + b) * 4, scale(g, n));
            }
        });
        // Codes: a task per slice of outputs walks qweight row by row, so each read is a run of
        // neighbouring int32 words rather than one word per row (qweight is [K / 8, N]).
        int slice = 64;
        int rowBytes = blocks * blockSize / 2;
        IntStream.range(0, (outFeatures + slice - 1) / slice).parallel().forEach(task -> {
            int from = task * slice;
            int to = Math.min(outFeatures, from + slice);
            for (int r = 0; r < inFeatures / 8; r++) {
                for (int n = from; n < to; n++) {
                    int word = qweight.getInt(Math.toIntExact(((long) r * outFeatures + n) * 4));
                    long rowBase = (long) n * rowBytes;
                    for (int t = 0; t < 8; t++) {
                        int j = position[r * 8 + t];
                        int at = Math.toIntExact(rowBase + j / 2);
                        packed.put(at, (byte) (packed.get(at) | ((word >>> (4 * t)) & 0xF) << (4 * (j & 1))));
                    }
                }
            }
        });
        QuantizedLinear weight = new QuantizedLinear(4, block, outFeatures, inFeatures, packed, scaleBuffer,
                symmetric.get() ? null : zeros);
        return new Repacked(weight, order);
    }

    /**
     * {@code null} for the plain grouping {@code g_idx[k] = k / groupSize}; for act-order, the
     * inputs sorted by group (stably), which makes the grouping plain again. Read from
     * {@code g_idx} alone, so a graph can be planned without repacking the weights.
     */
    public int[] inputOrder() {
        boolean plain = true;
        for (int k = 0; k < inFeatures && plain; k++) {
            plain = groupIndex[k] == k / groupSize;
        }
        if (plain) {
            return null;
        }
        int groups = (inFeatures + groupSize - 1) / groupSize;
        int[] count = new int[groups + 1];
        for (int k = 0; k < inFeatures; k++) {
            int g = groupIndex[k];
            if (g < 0 || g >= groups) {
                throw new CheckpointException(name + ".g_idx names group " + g + " for input " + k + ", but there are "
                        + groups + " groups; the checkpoint is damaged.");
            }
            count[g + 1]++;
        }
        for (int g = 0; g < groups; g++) {
            int expected = Math.min(groupSize, inFeatures - g * groupSize);
            if (count[g + 1] != expected) {
                throw new CheckpointException(name + ".g_idx gives group " + g + " " + count[g + 1] + " inputs instead of "
                        + expected + "; MatMulNBits needs groups of equal size, so this act-order layout cannot be mapped.");
            }
            count[g + 1] += count[g];
        }
        int[] order = new int[inFeatures];
        for (int k = 0; k < inFeatures; k++) {
            order[count[groupIndex[k]]++] = k;
        }
        return order;
    }
}
