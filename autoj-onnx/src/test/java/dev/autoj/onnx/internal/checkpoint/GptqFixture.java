package dev.autoj.onnx.internal.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * GPTQ checkpoints written by tests in AutoGPTQ's layout: the test's own quantizer and packer,
 * with the formulas of AutoGPTQ's QuantLinear.pack, sharing no code with the reader.
 *
 * <pre>{@code
 * GptqFixture.Quantized q = new GptqFixture.Quantized(weight, 32, false, true, 7);
 * Map<String, GptqFixture.Stored> tensors = new LinkedHashMap<>(q.tensors("model.layers.0.mlp.up_proj", 1));
 * GptqFixture.writeSafetensors(dir.resolve("model.safetensors"), tensors);
 * }</pre>
 */
public final class GptqFixture {

    private GptqFixture() {
    }

    /** One tensor to write: safetensors dtype, shape and little-endian bytes. */
    public record Stored(String dtype, long[] shape, ByteBuffer data) {
    }

    /** The test's own GPTQ quantization of a weight: codes, zero points, fp16 scales, g_idx. */
    public static final class Quantized {
        public final int out;
        public final int in;
        public final int groupSize;
        public final int groups;
        public final boolean sym;
        public final float[][] weight;
        public final int[][] code;
        public final int[][] zero;
        public final short[][] scaleHalf;
        public final int[] gIdx;

        /** Quantizes a random Gaussian weight (σ 0.05) of {@code [out, in]}. */
        public Quantized(int out, int in, int groupSize, boolean sym, boolean actOrder, long seed) {
            this(gaussian(out, in, seed), groupSize, sym, actOrder, seed);
        }

        /**
         * Quantizes {@code weight} ({@code [out][in]}); with {@code actOrder} the inputs are
         * grouped in a random processing order drawn from {@code seed}, as GPTQ's desc_act does.
         */
        public Quantized(float[][] weight, int groupSize, boolean sym, boolean actOrder, long seed) {
            this.out = weight.length;
            this.in = weight[0].length;
            this.groupSize = groupSize;
            this.sym = sym;
            this.weight = weight;
            int size = groupSize <= 0 ? in : groupSize;
            this.groups = (in + size - 1) / size;
            List<Integer> processing = new ArrayList<>();
            for (int k = 0; k < in; k++) {
                processing.add(k);
            }
            if (actOrder) {
                Collections.shuffle(processing, new Random(seed));
            }
            gIdx = new int[in];
            for (int j = 0; j < in; j++) {
                gIdx[processing.get(j)] = j / size;
            }
            code = new int[out][in];
            zero = new int[groups][out];
            scaleHalf = new short[groups][out];
            for (int g = 0; g < groups; g++) {
                for (int n = 0; n < out; n++) {
                    float min = 0;
                    float max = 0;
                    for (int k = 0; k < in; k++) {
                        if (gIdx[k] == g) {
                            min = Math.min(min, weight[n][k]);
                            max = Math.max(max, weight[n][k]);
                        }
                    }
                    float scale;
                    if (sym) {
                        float m = Math.max(-min, max);
                        scale = 2 * m / 15;
                        zero[g][n] = 8;
                    } else {
                        scale = (max - min) / 15;
                        zero[g][n] = Math.round(-min / scale);
                    }
                    scaleHalf[g][n] = Halfs.floatToHalf(scale);
                    float s = Halfs.halfToFloat(scaleHalf[g][n]);
                    for (int k = 0; k < in; k++) {
                        if (gIdx[k] == g) {
                            code[n][k] = Math.max(0, Math.min(15, Math.round(weight[n][k] / s) + zero[g][n]));
                        }
                    }
                }
            }
        }

        private static float[][] gaussian(int out, int in, long seed) {
            Random random = new Random(seed);
            float[][] weight = new float[out][in];
            for (float[] row : weight) {
                for (int k = 0; k < in; k++) {
                    row[k] = (float) (random.nextGaussian() * 0.05);
                }
            }
            return weight;
        }

        /** {@code W[n][k]} as GPTQ defines it: {@code (code - zero) * scale} of group {@code g_idx[k]}. */
        public float dequantized(int n, int k) {
            int g = gIdx[k];
            return (code[n][k] - zero[g][n]) * Halfs.halfToFloat(scaleHalf[g][n]);
        }

        /** The dequantized weight, row-major {@code [out * in]}. */
        public float[] dequantized() {
            float[] values = new float[out * in];
            for (int n = 0; n < out; n++) {
                for (int k = 0; k < in; k++) {
                    values[n * in + k] = dequantized(n, k);
                }
            }
            return values;
        }

        /**
         * {@code prefix.qweight}, {@code .qzeros}, {@code .scales} and {@code .g_idx} packed as
         * AutoGPTQ does; zero points are stored minus {@code zeroShift} (1 for AutoGPTQ's
         * original format, 0 for gptq_v2).
         */
        public Map<String, Stored> tensors(String prefix, int zeroShift) {
            ByteBuffer qweight = le(in / 8 * out * 4);
            for (int k = 0; k < in; k++) {
                for (int n = 0; n < out; n++) {
                    int at = ((k / 8) * out + n) * 4;
                    qweight.putInt(at, qweight.getInt(at) | code[n][k] << (4 * (k % 8)));
                }
            }
            ByteBuffer qzeros = le(groups * out / 8 * 4);
            for (int g = 0; g < groups; g++) {
                for (int n = 0; n < out; n++) {
                    int at = (g * (out / 8) + n / 8) * 4;
                    qzeros.putInt(at, qzeros.getInt(at) | ((zero[g][n] - zeroShift) & 0xF) << (4 * (n % 8)));
                }
            }
            ByteBuffer scales = le(groups * out * 2);
            for (int g = 0; g < groups; g++) {
                for (int n = 0; n < out; n++) {
                    scales.putShort((g * out + n) * 2, scaleHalf[g][n]);
                }
            }
            ByteBuffer g = le(in * 4);
            for (int k = 0; k < in; k++) {
                g.putInt(k * 4, gIdx[k]);
            }
            Map<String, Stored> tensors = new LinkedHashMap<>();
            tensors.put(prefix + ".qweight", new Stored("I32", new long[] {in / 8, out}, qweight));
            tensors.put(prefix + ".qzeros", new Stored("I32", new long[] {groups, out / 8}, qzeros));
            tensors.put(prefix + ".scales", new Stored("F16", new long[] {groups, out}, scales));
            tensors.put(prefix + ".g_idx", new Stored("I32", new long[] {in}, g));
            return tensors;
        }

        /** Writes quantize_config.json and model.safetensors holding this one layer {@code prefix}. */
        public void write(Path dir, String prefix, boolean desc, String format, int zeroShift) throws IOException {
            writeQuantizeConfig(dir, groupSize, desc, sym, format);
            writeSafetensors(dir.resolve("model.safetensors"), tensors(prefix, zeroShift));
        }
    }

    /** AutoGPTQ's quantize_config.json for 4 bits; {@code format} null leaves checkpoint_format out. */
    public static void writeQuantizeConfig(Path dir, int groupSize, boolean desc, boolean sym, String format) throws IOException {
        Files.createDirectories(dir);
        ObjectNode config = new ObjectMapper().createObjectNode();
        config.put("bits", 4).put("group_size", groupSize).put("desc_act", desc).put("sym", sym)
                .put("true_sequential", true);
        if (format != null) {
            config.put("checkpoint_format", format);
        }
        Files.writeString(dir.resolve("quantize_config.json"), config.toString());
    }

    public static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** fp16 bits of each value, little-endian. */
    public static Stored half(float[] values, long... shape) {
        ByteBuffer data = le(values.length * 2);
        for (int i = 0; i < values.length; i++) {
            data.putShort(i * 2, Halfs.floatToHalf(values[i]));
        }
        return new Stored("F16", shape, data);
    }

    public static void writeSafetensors(Path file, Map<String, Stored> tensors) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, Stored> e : tensors.entrySet()) {
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", e.getValue().dtype());
            ArrayNode shape = info.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            int bytes = e.getValue().data().capacity();
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] head = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = le((int) (8 + head.length + offset));
        out.putLong(head.length).put(head);
        for (Stored t : tensors.values()) {
            out.put(t.data().array());
        }
        Files.write(file, out.array());
    }
}
