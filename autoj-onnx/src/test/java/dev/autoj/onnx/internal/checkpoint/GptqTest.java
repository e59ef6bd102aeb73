package dev.autoj.onnx.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.autoj.onnx.internal.bench.TorchSave;
import dev.autoj.onnx.internal.graph.OnnxGraph;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GPTQ checkpoints written by the test in AutoGPTQ's layout ({@link GptqFixture}), read back and
 * repacked for MatMulNBits.
 */
class GptqTest {

    private static final String LAYER = "model.layers.0.mlp.up_proj";

    @TempDir
    Path temp;

    @ParameterizedTest(name = "out {0}, in {1}, group {2}, sym {3}, act-order {4}")
    @CsvSource({
        "24, 256, 128, true, false",
        "24, 256, 64, false, false",
        "16, 320, 128, false, false",
        "16, 256, -1, false, false",
        "24, 256, 32, true, true",
        "16, 384, 128, false, true"})
    @DisplayName("GPTQ reading and its MatMulNBits repacking both dequantize to exactly the test's own dequantization")
    void readAndRepackDequantizeExactly(int out, int in, int groupSize, boolean sym, boolean actOrder) throws IOException {
        GptqFixture.Quantized q = new GptqFixture.Quantized(out, in, groupSize, sym, actOrder, 31L * out + in + groupSize);
        q.write(temp, LAYER, actOrder, null, 1);
        GptqCheckpoint checkpoint = GptqCheckpoint.open(temp);
        assertThat(checkpoint.config().groupSize()).isEqualTo(groupSize);
        GptqLinear linear = checkpoint.linear(LAYER);
        assertThat(linear.inFeatures()).isEqualTo(in);
        assertThat(linear.outFeatures()).isEqualTo(out);
        for (int n = 0; n < out; n++) {
            for (int k = 0; k < in; k++) {
                assertThat(linear.dequantize(n, k)).as("GPTQ reading at (%d, %d)", n, k).isEqualTo(q.dequantized(n, k));
                // the quantizer itself is sound: within half a step of the weight, or one step
                // where symmetric quantization clamps the positive extreme (code 16 → 15), as GPTQ's does
                float step = Halfs.halfToFloat(q.scaleHalf[q.gIdx[k]][n]);
                assertThat((double) Math.abs(q.dequantized(n, k) - q.weight[n][k]))
                        .isLessThanOrEqualTo(step * (sym ? 1.0001 : 0.5001) + 1e-6);
            }
        }
        GptqLinear.Repacked repacked = linear.toMatMulNBits();
        QuantizedLinear w = repacked.weight();
        int[] order = repacked.inputOrder();
        assertThat(order == null).as("inputs keep their order exactly when there is no act-order").isEqualTo(!actOrder);
        assertThat(w.blockSize()).isEqualTo(Math.min(128, Integer.lowestOneBit(groupSize <= 0 ? in : groupSize)));
        assertThat(w.zeroPoints() == null).as("zero points are implicit (8) exactly for symmetric weights").isEqualTo(sym);
        for (int n = 0; n < out; n++) {
            for (int j = 0; j < in; j++) {
                int k = order == null ? j : order[j];
                assertThat(w.dequantize(n, j)).as("MatMulNBits form at (%d, %d)", n, j).isEqualTo(q.dequantized(n, k));
            }
        }
        if (order != null) {
            assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, in).toArray());
        }
    }

    @ParameterizedTest(name = "sym {0}, act-order {1}")
    @CsvSource({"true, false", "false, false", "false, true"})
    @DisplayName("ONNX Runtime's MatMulNBits on the repacked buffers computes x·Wᵀ of the GPTQ weight")
    void onnxRuntimeMatMulNBitsAgrees(boolean sym, boolean actOrder) throws Exception {
        int out = 32;
        int in = 384;
        GptqFixture.Quantized q = new GptqFixture.Quantized(out, in, 128, sym, actOrder, 5);
        q.write(temp, LAYER, actOrder, null, 1);
        GptqLinear.Repacked repacked = GptqCheckpoint.open(temp).linear(LAYER).toMatMulNBits();
        QuantizedLinear w = repacked.weight();
        int rows = 3;
        float[] x = new float[rows * in];
        Random random = new Random(9);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        // The graph feeds MatMulNBits the activations in inputOrder (a Gather in the decoder graph).
        float[] fed = x.clone();
        if (repacked.inputOrder() != null) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < in; j++) {
                    fed[r * in + j] = x[r * in + repacked.inputOrder()[j]];
                }
            }
        }
        float[][] y = runMatMulNBits(w, fed, rows);
        for (int r = 0; r < rows; r++) {
            for (int n = 0; n < out; n++) {
                double expected = 0;
                double magnitude = 0;
                for (int k = 0; k < in; k++) {
                    expected += (double) q.dequantized(n, k) * x[r * in + k];
                    magnitude += Math.abs((double) q.dequantized(n, k) * x[r * in + k]);
                }
                assertThat((double) y[r][n]).as("row %d, output %d", r, n).isCloseTo(expected,
                        org.assertj.core.data.Offset.offset(1e-5 * magnitude + 1e-6));
            }
        }
    }

    private static float[][] runMatMulNBits(QuantizedLinear w, float[] x, int rows) throws OrtException {
        OnnxGraph g = new OnnxGraph();
        int blocks = w.blocksPerRow();
        g.input("x", OnnxGraph.ElemType.FLOAT, rows, w.inFeatures());
        g.externalInitializer("b", OnnxGraph.ElemType.UINT8, new long[] {w.outFeatures(), blocks, w.blockSize() / 2});
        g.externalInitializer("scales", OnnxGraph.ElemType.FLOAT, new long[] {(long) w.outFeatures() * blocks});
        List<String> inputs = new ArrayList<>(List.of("x", "b", "scales"));
        if (w.zeroPoints() != null) {
            g.externalInitializer("zp", OnnxGraph.ElemType.UINT8, new long[] {(long) w.outFeatures() * ((blocks + 1) / 2)});
            inputs.add("zp");
        }
        g.named("com.microsoft", "MatMulNBits", inputs, List.of("y"), OnnxGraph.Attr.i("K", w.inFeatures()),
                OnnxGraph.Attr.i("N", w.outFeatures()), OnnxGraph.Attr.i("bits", 4),
                OnnxGraph.Attr.i("block_size", w.blockSize()), OnnxGraph.Attr.i("accuracy_level", 0));
        g.output("y", OnnxGraph.ElemType.FLOAT, rows, w.outFeatures());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OnnxTensor> owned = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            Map<String, OnnxTensorLike> initializers = new LinkedHashMap<>();
            owned.add(OnnxTensor.createTensor(env, w.packed(), new long[] {w.outFeatures(), blocks, w.blockSize() / 2},
                    ai.onnxruntime.OnnxJavaType.UINT8));
            initializers.put("b", owned.get(0));
            owned.add(OnnxTensor.createTensor(env, w.scales().asFloatBuffer(), new long[] {(long) w.outFeatures() * blocks}));
            initializers.put("scales", owned.get(1));
            if (w.zeroPoints() != null) {
                owned.add(OnnxTensor.createTensor(env, w.zeroPoints(),
                        new long[] {(long) w.outFeatures() * ((blocks + 1) / 2)}, ai.onnxruntime.OnnxJavaType.UINT8));
                initializers.put("zp", owned.get(2));
            }
            options.addExternalInitializers(initializers);
            try (OrtSession session = env.createSession(g.toModel("gptq", 21), options);
                    OnnxTensor input = OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(x), new long[] {rows, w.inFeatures()});
                    OrtSession.Result result = session.run(Map.of("x", input))) {
                return (float[][]) result.get(0).getValue();
            }
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    @Test
    void gptqV2FormatStoresZeroPointsWithoutTheOffset() throws IOException {
        GptqFixture.Quantized q = new GptqFixture.Quantized(16, 128, 64, false, false, 3);
        q.write(temp, LAYER, false, "gptq_v2", 0);
        GptqLinear linear = GptqCheckpoint.open(temp).linear(LAYER);
        assertThat(linear.zeroOffset()).isZero();
        assertThat(linear.dequantize(5, 77)).isEqualTo(q.dequantized(5, 77));
        assertThat(linear.toMatMulNBits().weight().dequantize(5, 77)).isEqualTo(q.dequantized(5, 77));
    }

    @Test
    @DisplayName("a zero point of 16 (stored 15 in AutoGPTQ's original format) is refused, naming layer, group and output")
    void zeroPointBeyondFourBitsIsRefused() throws IOException {
        GptqFixture.Quantized q = new GptqFixture.Quantized(16, 128, 64, false, false, 4);
        q.zero[1][3] = 16;
        q.write(temp, LAYER, false, null, 1);
        assertThatThrownBy(() -> GptqCheckpoint.open(temp).linear(LAYER).toMatMulNBits())
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(LAYER).hasMessageContaining("zero point 16").hasMessageContaining("group 1, output 3");
    }

    @Test
    void groupsNotAPowerOfTwoMultipleOfSixteenAreRefused() throws IOException {
        GptqFixture.Quantized q = new GptqFixture.Quantized(16, 192, 24, true, false, 6);
        q.write(temp, LAYER, false, null, 1);
        GptqLinear linear = GptqCheckpoint.open(temp).linear(LAYER);
        assertThat(linear.dequantize(0, 100)).isEqualTo(q.dequantized(0, 100));
        assertThatThrownBy(linear::toMatMulNBits).hasMessageContaining("groups of 24");
    }

    @Test
    void actOrderWithUnequalGroupsIsRefused() throws IOException {
        GptqFixture.Quantized q = new GptqFixture.Quantized(16, 128, 64, true, true, 7);
        int moved = 0;
        while (q.gIdx[moved] != 0) {
            moved++;
        }
        q.gIdx[moved] = 1; // group 0 now has 63 inputs, group 1 has 65
        q.write(temp, LAYER, true, null, 1);
        assertThatThrownBy(() -> GptqCheckpoint.open(temp).linear(LAYER).toMatMulNBits())
                .hasMessageContaining("g_idx gives group 0 63 inputs instead of 64");
    }

    @Test
    void missingTensorAndWrongBitsAreNamed() throws IOException {
        GptqFixture.Quantized q = new GptqFixture.Quantized(16, 128, 64, true, false, 8);
        q.write(temp, LAYER, false, null, 1);
        assertThatThrownBy(() -> GptqCheckpoint.open(temp).linear("model.layers.1.mlp.up_proj"))
                .hasMessageContaining("model.layers.1.mlp.up_proj.qweight").hasMessageContaining("missing");
        Files.writeString(temp.resolve("quantize_config.json"), "{\"bits\": 3, \"group_size\": 128}");
        assertThatThrownBy(() -> GptqCheckpoint.open(temp)).hasMessageContaining("3-bit");
    }

    @Test
    void quantizationConfigInsideConfigJsonIsRead() throws IOException {
        GptqFixture.Quantized q = new GptqFixture.Quantized(16, 128, 64, true, false, 10);
        q.write(temp, LAYER, false, null, 1);
        Files.delete(temp.resolve("quantize_config.json"));
        Files.writeString(temp.resolve("config.json"), "{\"architectures\": [\"LlamaForCausalLM\"], \"quantization_config\": "
                + "{\"quant_method\": \"gptq\", \"bits\": 4, \"group_size\": 64, \"desc_act\": false, \"sym\": true}}");
        GptqCheckpoint checkpoint = GptqCheckpoint.open(temp);
        assertThat(checkpoint.config()).isEqualTo(new GptqCheckpoint.Config(4, 64, false, true, "gptq"));
        assertThat(checkpoint.linear(LAYER).dequantize(3, 9)).isEqualTo(q.dequantized(3, 9));
    }

    @Test
    @DisplayName("a GPTQ checkpoint saved as .bin (IntStorage and HalfStorage) reads the same as from safetensors")
    void gptqInBinFormatReadsTheSame() throws IOException {
        GptqFixture.Quantized q = new GptqFixture.Quantized(16, 256, 128, false, true, 12);
        Path st = temp.resolve("st");
        q.write(st, LAYER, true, null, 1);
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Files.copy(st.resolve("quantize_config.json"), bin.resolve("quantize_config.json"));
        List<TorchSave.Item> items = new ArrayList<>();
        Map<String, byte[]> storages = new LinkedHashMap<>();
        for (StoredTensor t : Safetensors.read(st.resolve("model.safetensors"))) {
            ByteBuffer data = t.map();
            byte[] raw = new byte[data.remaining()];
            data.get(raw);
            String key = String.valueOf(storages.size());
            storages.put(key, raw);
            items.add(TorchSave.Item.contiguous(t.name(), t.dtype(), t.shape(), key));
        }
        TorchSave.write(bin.resolve("gptq_model-4bit-128g.bin"), items, storages, false);
        GptqLinear linear = GptqCheckpoint.open(bin).linear(LAYER);
        GptqLinear.Repacked repacked = linear.toMatMulNBits();
        for (int n = 0; n < 16; n++) {
            for (int j = 0; j < 256; j++) {
                assertThat(repacked.weight().dequantize(n, j)).isEqualTo(q.dequantized(n, repacked.inputOrder()[j]));
            }
        }
    }
}
