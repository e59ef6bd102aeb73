package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.QuantizedWeights;
import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import dev.autoj.onnx.internal.graph.ModelReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The generation graph built for CUDA (fp16 weights, fp16 activations and cache; int4 with fp16
 * activations), checked without a GPU: its structure read back from the bytes, and a run on the
 * CPU execution provider. The CPU provider has fp16 kernels for the matrix products (Gemm,
 * MatMul, MatMulNBits), RMSNorm, Gather and the reductions; for the element-wise ops it lacks
 * (Mul, Add, Neg, Sigmoid, Where, the rotary Concat) ONNX Runtime inserts casts to fp32 around
 * them. So the run proves that the graph loads, that its Loop carries fp16 state, and that its
 * tokens follow the model up to fp16 rounding; it does not reproduce CUDA's kernels bit for bit.
 */
class CudaGraphOnCpuTest {

    private static final int FLOAT = 1;
    private static final int UINT8 = 2;
    private static final int INT64 = 7;
    private static final int FLOAT16 = 10;

    /**
     * Largest margin (top logit minus the logit of the token the fp16 graph chose) at which the fp16
     * run may pick another token than the double-precision reference. fp16 activations round at
     * 2^-11 relative; on this model (logits up to ~8) measured: fp16 weights 57 of 57 steps equal
     * the reference; int4 55 of 56, diverging at a margin of 0.005.
     */
    private static final double FP16_MARGIN = 0.1;

    /** The 4-bit layout the backend builds the CUDA graph with. */
    static final dev.autoj.onnx.internal.graph.LlamaGraph.Int4 CUDA_INT4 = DecoderPlan.fp16Layout(OnnxBackend.INT4);

    @TempDir
    Path temp;

    private TinyLlama model() {
        // F16 storage: the fp16 weights are exactly the reference's weights
        return TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small().stored("F16", 1).maxPositions(128), 7);
    }

    @ParameterizedTest
    @EnumSource(value = Dtype.class, names = {"FP16", "INT4"})
    @DisplayName("the CUDA graph keeps weights, cache and activations in fp16, masks with a finite fp16 value and argmaxes fp32 logits")
    void cudaGraphIsFp16Throughout(Dtype dtype) {
        ModelConfig config = ModelConfig.read(model().dir);
        ModelReader.Graph graph = ModelReader.read(ModelCache.build(config, dtype, CUDA_INT4, ModelCache.Kind.LOOP_FP16));

        int halves = 0;
        for (Map.Entry<String, ModelReader.Initializer> e : graph.initializers().entrySet()) {
            if (e.getValue().external()) {
                assertThat(e.getValue().type()).as(e.getKey()).isIn(FLOAT16, UINT8, INT64);
                halves += e.getValue().type() == FLOAT16 ? 1 : 0;
            }
        }
        assertThat(halves).as("fp16 weights (int4: embedding, norms, scales)").isGreaterThan(0);
        for (ModelReader.Node node : graph.allNodes()) {
            if (node.op().equals("Cast")) {
                assertThat(graph.initializers().get(node.inputs().get(0)))
                        .as("a Cast of a weight (in-graph widening) reading %s", node.inputs().get(0))
                        .matches(init -> init == null || !init.external());
            }
            if (node.op().equals("MatMulNBits")) {
                assertThat(graph.initializers().get(node.inputs().get(2)).type()).as("scales of %s", node.inputs().get(2))
                        .isEqualTo(FLOAT16);
                assertThat(node.ints().get("accuracy_level")).as("fp16 activations, not int8").isZero();
            }
        }

        ModelReader.Node loop = graph.nodes().stream().filter(n -> n.op().equals("Loop")).findFirst().orElseThrow();
        ModelReader.Graph body = loop.graphs().get("body");
        for (int l = 0; l < config.numLayers(); l++) {
            assertThat(body.inputTypes().get("past_key." + l)).isEqualTo(FLOAT16);
            assertThat(body.inputTypes().get("past_value." + l)).isEqualTo(FLOAT16);
        }
        List<ModelReader.Node> wheres = body.nodes().stream().filter(n -> n.op().equals("Where")).toList();
        assertThat(wheres).hasSize(config.numLayers());
        for (ModelReader.Node where : wheres) {
            ModelReader.Initializer masked = body.initializers().get(where.inputs().get(2));
            assertThat(masked.type()).isEqualTo(FLOAT16);
            assertThat(ModelReader.half(masked)).isEqualTo(-1e4f).matches(Float::isFinite);
        }
        ModelReader.Node argMax = body.nodes().stream().filter(n -> n.op().equals("ArgMax")).findFirst().orElseThrow();
        ModelReader.Node cast = body.producer(argMax.inputs().get(0));
        assertThat(cast.op()).isEqualTo("Cast");
        assertThat(cast.ints().get("to")).isEqualTo((long) FLOAT);
    }

    @org.junit.jupiter.api.Test
    @DisplayName("releasing handed-over weights closes their tensors and frees the very buffers they were made over")
    void handedOverBuffersAreFreed() throws Exception {
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        java.nio.ByteBuffer data = java.nio.ByteBuffer.allocateDirect(4096).order(java.nio.ByteOrder.nativeOrder());
        List<ai.onnxruntime.OnnxTensor> tensors = new ArrayList<>();
        Initializers.put(env, new java.util.HashMap<>(), tensors, "w", data, new long[] {1024}, ai.onnxruntime.OnnxJavaType.FLOAT);
        ai.onnxruntime.OnnxTensor tensor = tensors.get(0);
        assertThat(Initializers.release(tensors)).as("buffers freed").isOne();
        assertThat(tensors).isEmpty();
        assertThat(tensor.isClosed()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Dtype.class, names = {"FP16", "INT4"})
    @DisplayName("in a fresh JVM with a 64 MB heap the CUDA graph opens on the CPU provider, decodes, and keeps no host copy of the weights")
    void cudaGraphChildHoldsNoHostCopy(Dtype dtype) throws Exception {
        TinyLlama model = model();
        String out = StreamingLoaderTest.run("-Xmx64m", CudaGraphMemoryChild.class, model.dir.toString(),
                temp.resolve("child-" + dtype).toString(), dtype.name());
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile(OPENED).matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Long.parseLong(m.group(5))).as("host weight buffers held after the session took them").isZero();
        assertThat(Long.parseLong(m.group(6))).isPositive();
        assertThat(m.group(7).split(",")).hasSize(2);
    }

    /** What {@link CudaGraphMemoryChild} prints when the session opened and decoded. */
    private static final String OPENED =
            "baseline=(\\d+) open=(\\d+) peak=(\\d+) peakAnon=(\\d+) held=(\\d+) weights=(\\d+) tokens=\\[([0-9,]+)]";

    @org.junit.jupiter.api.Test
    @DisplayName("the CUDA int4 graph's weights go through the weight cache one tensor at a time: a JVM whose direct memory holds a"
            + " fraction of them opens it cold and warm, with the same tokens; made in memory at once they fail naming"
            + " -XX:MaxDirectMemorySize")
    void cudaInt4WeightsStreamThroughTheWeightCache() throws Exception {
        Path model = temp.resolve("streamed");
        SyntheticCheckpoint.write(model, StreamingLoaderTest.SHAPE, 5, "F16");
        long directLimit = 24L << 20;
        List<String> jvm = List.of("-Xmx64m", "-XX:MaxDirectMemorySize=" + directLimit);
        Path cache = temp.resolve("weights");
        List<String> tokens = new ArrayList<>();
        for (String start : List.of("cold", "warm")) {
            String out = StreamingLoaderTest.run(jvm, CudaGraphMemoryChild.class, model.toString(),
                    temp.resolve("graph-" + start).toString(), "int4", cache.toString());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(OPENED).matcher(out);
            assertThat(m.find()).as("%s start: %s", start, out).isTrue();
            long weights = Long.parseLong(m.group(6));
            System.out.printf("CUDA int4 graph, %s start: session weights %d MB, direct memory allowed %d MB, open %d MB,"
                    + " peak %d MB, peak anonymous %d MB%n", start, weights >> 20, directLimit >> 20,
                    Long.parseLong(m.group(2)) >> 20, Long.parseLong(m.group(3)) >> 20, Long.parseLong(m.group(4)) >> 20);
            assertThat(weights).as("the session's weights are several times the direct memory allowed").isGreaterThan(3 * directLimit);
            assertThat(Long.parseLong(m.group(5))).as("%s start: host weight buffers held", start).isZero();
            tokens.add(m.group(7));
        }
        assertThat(tokens.get(1)).as("warm tokens (mapped from the cache) equal cold").isEqualTo(tokens.get(0));
        try (java.util.stream.Stream<Path> files = Files.list(cache)) {
            assertThat(files.filter(f -> f.toString().endsWith(".int4")).count()).as("one fp16-layout entry").isOne();
        }

        String inMemory = StreamingLoaderTest.run(jvm, CudaGraphMemoryChild.class, model.toString(),
                temp.resolve("graph-memory").toString(), "int4");
        assertThat(inMemory).as("weights made in memory all at once").contains("failed=")
                .contains("-XX:MaxDirectMemorySize").contains("MB of direct memory at once");
    }

    @ParameterizedTest
    @EnumSource(value = Dtype.class, names = {"FP16", "INT4"})
    @DisplayName("the CUDA graph runs on the CPU provider: a batch of four follows the double-precision reference up to fp16 rounding")
    void cudaGraphRunsOnTheCpuProvider(Dtype dtype) throws IOException {
        TinyLlama model = model();
        ModelConfig config = ModelConfig.read(model.dir);
        Checkpoint checkpoint = Checkpoint.open(model.dir);
        Path file = temp.resolve("cuda-" + dtype + ".onnx");
        Files.write(file, ModelCache.build(config, dtype, CUDA_INT4, ModelCache.Kind.LOOP_FP16));
        TinyLlama reference = dtype == Dtype.FP16 ? model : model.withWeights(Int4Test.dequantize(model, CUDA_INT4));
        int[][] prompts = {{1, 17, 200, 5, 99, 42, 3, 250, 17, 17}, {1, 9}, {1, 60, 61, 62, 160}, {1, 255, 128, 77, 31, 200, 201}};
        int[] budgets = {16, 16, 9, 16};
        int[][] tokens;
        try (DecoderSession session = DecoderSession.open(config, checkpoint, dtype, CUDA_INT4,
                QuantizedWeights.quantizing(checkpoint, 32, true), Device.CPU,
                device -> new DecoderSession.Graph(file, true, true, null))) {
            assertThat(session.fp16Compute()).isTrue();
            assertThat(session.heldWeights()).as("weights handed over once, no host copy kept").isZero();
            tokens = session.loop().generate(prompts, budgets);
        }
        int agreed = 0;
        int compared = 0;
        double worstDivergence = 0;
        for (int b = 0; b < prompts.length; b++) {
            List<Integer> sequence = new ArrayList<>(Arrays.stream(prompts[b]).boxed().toList());
            for (int t = 0; t < budgets[b]; t++) {
                double[] logits = last(reference.referenceLogits(sequence.stream().mapToInt(Integer::intValue).toArray()));
                int best = 0;
                for (int i = 1; i < logits.length; i++) {
                    best = logits[i] > logits[best] ? i : best;
                }
                int chosen = tokens[b][t];
                compared++;
                if (chosen != best) {
                    // past a divergence the two continuations differ; the rest of the row is not comparable
                    double margin = logits[best] - logits[chosen];
                    worstDivergence = Math.max(worstDivergence, margin);
                    assertThat(margin).as("row %d step %d: fp16 chose %d, reference %d", b, t, chosen, best)
                            .isLessThan(FP16_MARGIN);
                    break;
                }
                agreed++;
                if (config.eosIds().contains(chosen)) {
                    break;
                }
                sequence.add(chosen);
            }
        }
        System.out.printf("CUDA graph (%s) on the CPU provider: %d of %d steps equal the reference, worst divergence margin %.4f%n",
                dtype, agreed, compared, worstDivergence);
        assertThat(agreed).as("steps agreeing with the reference").isGreaterThanOrEqualTo(compared * 3 / 4);
    }

    private static double[] last(double[][] rows) {
        return rows[rows.length - 1];
    }
}
