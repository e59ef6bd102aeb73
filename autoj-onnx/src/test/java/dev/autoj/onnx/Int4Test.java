package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.DType;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.QuantizedLinear;
import dev.autoj.onnx.internal.checkpoint.QuantizedWeights;
import dev.autoj.onnx.internal.checkpoint.Tensor;
import dev.autoj.onnx.internal.graph.LlamaGraph;
import dev.autoj.onnx.internal.graph.LlamaWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** 4-bit weights: the packing layout, the MatMulNBits graph, and the error against fp32. */
class Int4Test {

    /**
     * Bounds for int4 as shipped (asymmetric, blocks of 32, accuracy level 4) against the fp32
     * reference on the tiny random model (seed 7, 4 prompts × 12 positions, logits up to ±8.7).
     * Measured over seeds 7/11/13/17: largest error 2.29/1.48/1.66/1.98, mean absolute error
     * 0.28–0.35, top-1 agreement 40/34/34/36 of 48. Random tiny models are far more sensitive
     * than trained ones (nearly flat logits over 256 tokens, sharp random attention), so these
     * bound the quantization error itself; that the graph computes exactly the quantized model
     * is proven by {@link #int4GraphEqualsDequantizedReference}. Documented in docs/onnx-backend.md.
     */
    static final double INT4_MAX_LOGIT_ERROR = 3.0;
    static final double INT4_MEAN_LOGIT_ERROR = 0.45;
    static final double INT4_TOP1_AGREEMENT = 0.65;

    private static final int[][] PROMPTS = {
        {1, 17, 200, 5, 99, 42, 3, 250, 17, 17, 64, 8},
        {1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
        {1, 255, 128, 77, 31, 200, 201, 202, 9, 90, 45, 46},
        {1, 60, 61, 62, 160, 161, 162, 33, 34, 35, 36, 37},
    };

    @TempDir
    Path temp;

    @Test
    @DisplayName("the quantizer writes codes and scales in MatMulNBits' layout, padding a partial last block")
    void quantizerWritesTheDocumentedLayout() {
        int rows = 3;
        int cols = 48;
        Random random = new Random(1);
        float[] w = new float[rows * cols];
        ByteBuffer data = ByteBuffer.allocate(w.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
            data.putFloat(i * 4, w[i]);
        }
        QuantizedLinear q = QuantizedLinear.quantize(new Tensor("w", Path.of("w"), DType.F32, new long[] {rows, cols}, data), 32);
        assertThat(q.blocksPerRow()).isEqualTo(2);
        assertThat(q.packed().capacity()).isEqualTo(rows * 2 * 16);
        assertThat(q.zeroPoints()).isNull();
        ByteBuffer scales = q.scales().order(ByteOrder.nativeOrder());
        for (int n = 0; n < rows; n++) {
            for (int b = 0; b < 2; b++) {
                float max = 0;
                for (int k = b * 32; k < Math.min(cols, b * 32 + 32); k++) {
                    max = Math.max(max, Math.abs(w[n * cols + k]));
                }
                float scale = scales.getFloat((n * 2 + b) * 4);
                assertThat(scale).isEqualTo(max / 7f);
                for (int i = 0; i < 32; i++) {
                    int k = b * 32 + i;
                    int expected = k < cols ? Math.max(-8, Math.min(7, Math.round(w[n * cols + k] / scale))) + 8 : 8;
                    int packedByte = q.packed().get((n * 2 + b) * 16 + i / 2) & 0xFF;
                    int code = i % 2 == 0 ? packedByte & 0xF : packedByte >>> 4;
                    assertThat(code).as("row %d, column %d", n, k).isEqualTo(expected);
                    if (k < cols) {
                        assertThat((double) q.dequantize(n, k)).isCloseTo(w[n * cols + k],
                                org.assertj.core.data.Offset.offset(scale / 2 + 1e-6));
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "block size {0}, zero points {1}")
    @CsvSource({"32, false", "32, true", "128, true"})
    @DisplayName("the int4 graph (accuracy level 0) equals the reference forward pass over the Java-dequantized weights")
    void int4GraphEqualsDequantizedReference(int blockSize, boolean zeroPoints) {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        TinyLlama dequantized = model.withWeights(dequantize(model, blockSize, zeroPoints));
        OnnxOptions options = OnnxOptions.of(model.dir).withDtype(Dtype.INT4).withCacheDir(temp.resolve("cache"));
        try (OnnxBackend backend = OnnxBackend.open(options, new LlamaGraph.Int4(blockSize, 0, zeroPoints))) {
            for (int[] prompt : PROMPTS) {
                double[][] expected = dequantized.referenceLogits(prompt);
                float[][] actual = backend.logitsOf(prompt);
                double max = 0;
                for (int t = 0; t < expected.length; t++) {
                    for (int i = 0; i < expected[t].length; i++) {
                        max = Math.max(max, Math.abs(actual[t][i] - expected[t][i]));
                    }
                }
                assertThat(max).isLessThan(1e-4);
            }
        }
    }

    @Test
    @DisplayName("the head stays fp32 by default (at 4 bits it changes greedy ids here); autoj.onnx.int4Head=true quantizes it")
    void headStaysFp32UnlessAsked() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        assertThat(OnnxBackend.int4Layout().quantizedHead()).isFalse();
        System.setProperty(EngineSwitches.INT4_HEAD_PROPERTY, "true");
        try {
            assertThat(OnnxBackend.int4Layout()).isEqualTo(OnnxBackend.INT4_HEAD);
        } finally {
            System.clearProperty(EngineSwitches.INT4_HEAD_PROPERTY);
        }
        java.util.List<int[]> quantizedHead = new java.util.ArrayList<>();
        java.util.List<int[]> fullHead = new java.util.ArrayList<>();
        long[] headBytes = new long[2];
        for (LlamaGraph.Int4 layout : java.util.List.of(OnnxBackend.INT4_HEAD, OnnxBackend.INT4)) {
            OnnxOptions options = OnnxOptions.of(model.dir).withDtype(Dtype.INT4).withCacheDir(temp.resolve("cache"));
            boolean full = layout == OnnxBackend.INT4;
            try (OnnxBackend backend = OnnxBackend.open(options, layout)) {
                for (int[] prompt : PROMPTS) {
                    (full ? fullHead : quantizedHead).add(backend.generateIds(prompt, 16).ids());
                }
                headBytes[full ? 1 : 0] = backend.sessionWeights().stream()
                        .filter(c -> c.name().equals("head")).mapToLong(WeightClass::bytes).sum();
            }
        }
        int differing = 0;
        for (int i = 0; i < PROMPTS.length; i++) {
            differing += java.util.Arrays.equals(quantizedHead.get(i), fullHead.get(i)) ? 0 : 1;
        }
        // the measurement behind the default (recorded here so a change of quantizer or kernel shows):
        // the 4-bit head moves the greedy ids of this checkpoint away from those of the fp32 head
        System.out.printf("4-bit head: greedy ids differ from the fp32 head's on %d of %d prompts%n", differing, PROMPTS.length);
        assertThat(differing).isPositive();
        assertThat(headBytes[0]).isLessThan(headBytes[1] / 5);
    }

    @Test
    @DisplayName("int4 (blocks of 32, accuracy level 4) keeps fp32's top-1 token and a bounded logit error")
    void int4StaysCloseToFp32() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        OnnxOptions options = OnnxOptions.of(model.dir).withDtype(Dtype.INT4).withCacheDir(temp.resolve("cache"));
        int agree = 0;
        int positions = 0;
        double maxError = 0;
        double maxLogit = 0;
        double sumError = 0;
        try (OnnxBackend backend = OnnxBackend.open(options)) {
            for (int[] prompt : PROMPTS) {
                double[][] expected = model.referenceLogits(prompt);
                float[][] actual = backend.logitsOf(prompt);
                for (int t = 0; t < expected.length; t++) {
                    positions++;
                    int best = 0;
                    for (int i = 0; i < expected[t].length; i++) {
                        maxLogit = Math.max(maxLogit, Math.abs(expected[t][i]));
                        sumError += Math.abs(actual[t][i] - expected[t][i]);
                        maxError = Math.max(maxError, Math.abs(actual[t][i] - expected[t][i]));
                        best = expected[t][i] > expected[t][best] ? i : best;
                    }
                    agree += Greedy.argmax(actual[t]) == best ? 1 : 0;
                }
            }
        }
        System.out.printf("int4 vs fp32: top-1 agreement %d/%d, max logit error %.4f, mean %.4f, largest logit %.2f%n",
                agree, positions, maxError, sumError / positions / model.spec.vocab(), maxLogit);
        assertThat((double) agree / positions).isGreaterThanOrEqualTo(INT4_TOP1_AGREEMENT);
        assertThat(maxError).isLessThan(INT4_MAX_LOGIT_ERROR).isGreaterThan(0);
        assertThat(sumError / positions / model.spec.vocab()).isLessThan(INT4_MEAN_LOGIT_ERROR);
    }

    @Test
    @DisplayName("4-bit weights supplied in another layout than the graph's are rejected naming the tensor and the difference")
    void suppliedWeightsOfAnotherLayoutAreRejected() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        OnnxOptions options = OnnxOptions.of(model.dir).withDtype(Dtype.INT4).withCacheDir(temp.resolve("cache"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnnxBackend.open(options, new LlamaGraph.Int4(32, 4, true),
                        checkpoint -> QuantizedWeights.quantizing(checkpoint, 32, false)))
                .isInstanceOf(dev.autoj.engine.backend.BackendException.class)
                .hasMessageContaining("The 4-bit weight model.layers.0.self_attn.q_proj.weight")
                .hasMessageContaining("has no zero points where the graph reads them");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OnnxBackend.open(options, new LlamaGraph.Int4(32, 4, true),
                        checkpoint -> QuantizedWeights.quantizing(checkpoint, 16, true)))
                .hasMessageContaining("has block size 16 instead of 32");
    }

    static Map<String, float[]> dequantize(TinyLlama model, int blockSize, boolean zeroPoints) {
        return dequantize(model, new LlamaGraph.Int4(blockSize, 0, zeroPoints));
    }

    /** The weights {@code layout} quantizes (the head only when it says so), quantized and dequantized again. */
    static Map<String, float[]> dequantize(TinyLlama model, LlamaGraph.Int4 layout) {
        int blockSize = layout.blockSize();
        boolean zeroPoints = layout.zeroPoints();
        Checkpoint checkpoint = Checkpoint.open(model.dir);
        Map<String, float[]> out = new HashMap<>();
        for (LlamaWeights.Weight w : LlamaWeights.quantizedWeights(ModelConfig.read(model.dir), layout)) {
            QuantizedLinear q = QuantizedLinear.quantize(checkpoint.tensor(w.name(), w.shape()), blockSize, zeroPoints);
            float[] values = new float[q.outFeatures() * q.inFeatures()];
            for (int n = 0; n < q.outFeatures(); n++) {
                for (int k = 0; k < q.inFeatures(); k++) {
                    values[n * q.inFeatures() + k] = q.dequantize(n, k);
                }
            }
            out.put(w.name(), values);
        }
        return out;
    }
}
