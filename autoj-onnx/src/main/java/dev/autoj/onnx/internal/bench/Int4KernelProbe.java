package dev.autoj.onnx.internal.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.onnx.internal.checkpoint.Buffers;
import dev.autoj.onnx.internal.checkpoint.QuantizedLinear;
import dev.autoj.onnx.internal.graph.LlamaGraph;
import dev.autoj.onnx.internal.graph.OnnxGraph;
import dev.autoj.onnx.internal.graph.OnnxGraph.Attr;
import dev.autoj.onnx.internal.graph.OnnxGraph.ElemType;
import dev.autoj.onnx.internal.runtime.OrtRuntime;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What ONNX Runtime's 4-bit matrix multiplication reaches on its own on this machine: the linear
 * layers of decoder layers of a given shape (q and o: hidden to hidden; k and v: hidden to the
 * key/value width; gate and up: hidden to intermediate; down back), in the engine's 4-bit layout ({@code MatMulNBits}, blocks of 32,
 * 4-bit zero points, {@code accuracy_level} 4) and nothing else but the gate's product, over
 * enough layers to outgrow every cache, run for one row and for eight. Beside
 * {@link MatVecProbe} (the memory's bandwidth) it says how much of that bandwidth the kernel
 * itself can use, and so what share of it batch-1 decoding can reach with this kernel at all.
 *
 * <pre>{@code
 * Int4KernelProbe kernel = Int4KernelProbe.measure(5120, 5120, 13824); // Auto-J-13B's layer
 * double ceiling = kernel.batch1BytesPerSecond() / MatVecProbe.bytesPerSecond();
 * }</pre>
 *
 * @param bytes the 4-bit weights read per run (codes, scales, zero points)
 * @param layers how many layers of that shape the probe chains
 * @param batch1BytesPerSecond those bytes over the best one-row run's time
 * @param batch8Speedup rows per second with eight rows over rows per second with one (best runs)
 */
public record Int4KernelProbe(long bytes, int layers, double batch1BytesPerSecond, double batch8Speedup) {

    /** Weights chained at least: more than any cache of this machine kind holds, as in {@link MatVecProbe}. */
    static final long MIN_BYTES = 512L << 20;

    /** Layers chained at most; a layer shape that needs more to reach {@link #MIN_BYTES} is too small to measure bandwidth with. */
    public static final int MAX_LAYERS = 64;

    /** The engine's 4-bit layout ({@code --dtype int4}): blocks of this many weights share a scale and a zero point. */
    public static final int BLOCK = 32;

    /** The engine's 4-bit layout: MatMulNBits' {@code accuracy_level} (int8 activations, integer dot products). */
    public static final int ACCURACY_LEVEL = 4;

    /** Layers of this shape whose 4-bit weights reach {@link #MIN_BYTES} ({@code kvWidth}: key/value heads x head size). */
    public static int layersFor(int hidden, int kvWidth, int intermediate) {
        long layer = layerBytes(hidden, kvWidth, intermediate);
        return (int) Math.max(1, (MIN_BYTES + layer - 1) / layer);
    }

    /**
     * Chains the linear layers of decoder layers of this shape ({@code kvWidth}: key/value heads x
     * head size) and times them at one and eight rows; a shape that needs more than
     * {@link #MAX_LAYERS} is refused.
     */
    public static Int4KernelProbe measure(int hidden, int kvWidth, int intermediate) {
        int layers = layersFor(hidden, kvWidth, intermediate);
        if (layers > MAX_LAYERS) {
            throw new IllegalArgumentException("layers of " + hidden + " x " + intermediate + " are too small for the 4-bit kernel"
                    + " probe: " + layers + " would be needed to outgrow the caches, at most " + MAX_LAYERS + " are chained");
        }
        OnnxGraph g = new OnnxGraph();
        g.input("x", ElemType.FLOAT, "rows", hidden);
        List<Weight> weights = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        String x = "x";
        for (int l = 0; l < layers; l++) {
            String a = x;
            String q = linear(g, weights, a, l + ".q", hidden, hidden);
            String k = linear(g, weights, a, l + ".k", hidden, kvWidth);
            String v = linear(g, weights, a, l + ".v", hidden, kvWidth);
            // attention left out; the output projection reads q, and k and v are graph outputs so nothing is pruned
            kept.add(k);
            kept.add(v);
            a = linear(g, weights, q, l + ".o", hidden, hidden);
            String gate = linear(g, weights, a, l + ".gate", hidden, intermediate);
            String up = linear(g, weights, a, l + ".up", hidden, intermediate);
            x = linear(g, weights, g.op("Mul", List.of(gate, up)), l + ".down", intermediate, hidden);
        }
        g.named("", "Identity", List.of(x), List.of("y"));
        g.output("y", ElemType.FLOAT, "rows", hidden);
        for (int i = 0; i < kept.size(); i++) {
            g.named("", "Identity", List.of(kept.get(i)), List.of("kv" + i));
            g.output("kv" + i, ElemType.FLOAT, "rows", kvWidth);
        }
        OrtEnvironment env = OrtRuntime.environment();
        Map<String, OnnxTensor> tensors = new HashMap<>();
        List<ByteBuffer> memory = new ArrayList<>();
        Random random = new Random(3);
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions()) {
            for (Weight w : weights) {
                w.tensors(env, random, tensors, memory);
            }
            options.addExternalInitializers(new HashMap<String, ai.onnxruntime.OnnxTensorLike>(tensors));
            try (OrtSession session = env.createSession(g.toModel("int4_kernel_probe", 17), options)) {
                double one = best(env, session, 1, hidden, 16);
                double eight = best(env, session, 8, hidden, 8);
                long bytes = layers * layerBytes(hidden, kvWidth, intermediate);
                return new Int4KernelProbe(bytes, layers, bytes * 1e9 / one, 8 * one / eight);
            }
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime could not run the 4-bit kernel probe: " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
            memory.forEach(Buffers::free);
        }
    }

    /** Bytes of one layer's 4-bit weights: half a byte a weight, a float scale and half a byte of zero point a block. */
    static long layerBytes(int hidden, int kvWidth, int intermediate) {
        return new Weight("", hidden, hidden).bytes() * 2 + new Weight("", hidden, kvWidth).bytes() * 2
                + new Weight("", hidden, intermediate).bytes() * 2 + new Weight("", intermediate, hidden).bytes();
    }

    private static String linear(OnnxGraph g, List<Weight> weights, String x, String name, int in, int out) {
        Weight w = new Weight(name, in, out);
        weights.add(w);
        g.externalInitializer(w.codes(), ElemType.UINT8, w.codesShape());
        g.externalInitializer(w.scales(), ElemType.FLOAT, w.scalesShape());
        g.externalInitializer(w.zeroPoints(), ElemType.UINT8, w.zeroPointsShape());
        return g.opIn("com.microsoft", "MatMulNBits", 1, List.of(x, w.codes(), w.scales(), w.zeroPoints()),
                Attr.i("K", in), Attr.i("N", out), Attr.i("bits", 4), Attr.i("block_size", BLOCK),
                Attr.i("accuracy_level", ACCURACY_LEVEL)).get(0);
    }

    /** The shortest of {@code runs} runs of {@code rows} rows, in nanoseconds. */
    private static double best(OrtEnvironment env, OrtSession session, int rows, int hidden, int runs) throws OrtException {
        float[] values = new float[rows * hidden];
        Random random = new Random(5);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        double best = Double.MAX_VALUE;
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), new long[] {rows, hidden})) {
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                session.run(Map.of("x", x)).close();
                best = Math.min(best, System.nanoTime() - start);
            }
        }
        return best;
    }

    /** One 4-bit weight of {@code out} x {@code in}: random codes, zero points of 8, scales that keep activations near unit size. */
    private record Weight(String name, int in, int out) {

        String codes() {
            return name + LlamaGraph.Q4;
        }

        String scales() {
            return name + LlamaGraph.SCALES;
        }

        String zeroPoints() {
            return name + LlamaGraph.ZERO_POINTS;
        }

        long[] codesShape() {
            return QuantizedLinear.codesShape(out, in, BLOCK);
        }

        long[] scalesShape() {
            return QuantizedLinear.scalesShape(out, in, BLOCK);
        }

        long[] zeroPointsShape() {
            return QuantizedLinear.zeroPointsShape(out, in, BLOCK);
        }

        /** Bytes of the codes, the float scales and the zero points. */
        long bytes() {
            return elements(codesShape()) + elements(scalesShape()) * Float.BYTES + elements(zeroPointsShape());
        }

        private static long elements(long[] shape) {
            return java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }

        void tensors(OrtEnvironment env, Random random, Map<String, OnnxTensor> into, List<ByteBuffer> memory) throws OrtException {
            ByteBuffer codes = direct(elements(codesShape()), memory);
            byte[] row = new byte[Math.toIntExact(elements(codesShape()) / out)];
            for (int n = 0; n < out; n++) {
                random.nextBytes(row);
                codes.put(row);
            }
            codes.flip();
            ByteBuffer scales = direct(elements(scalesShape()) * Float.BYTES, memory);
            // codes minus the zero point are uniform over [-8, 7] (variance 21.5): this keeps an output's scale near its input's
            float scale = (float) (1 / Math.sqrt(21.5 * in));
            while (scales.hasRemaining()) {
                scales.putFloat(scale);
            }
            scales.flip();
            ByteBuffer zeroPoints = direct(elements(zeroPointsShape()), memory);
            while (zeroPoints.hasRemaining()) {
                zeroPoints.put((byte) 0x88);
            }
            zeroPoints.flip();
            // the layout's own checks: sizes as MatMulNBits reads them
            QuantizedLinear layout = new QuantizedLinear(4, BLOCK, out, in, codes, scales, zeroPoints);
            into.put(codes(), OnnxTensor.createTensor(env, layout.packed(), codesShape(), OnnxJavaType.UINT8));
            into.put(scales(), OnnxTensor.createTensor(env, layout.scales(), scalesShape(), OnnxJavaType.FLOAT));
            into.put(zeroPoints(), OnnxTensor.createTensor(env, layout.zeroPoints(), zeroPointsShape(), OnnxJavaType.UINT8));
        }

        private static ByteBuffer direct(long bytes, List<ByteBuffer> memory) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
            memory.add(buffer);
            return buffer;
        }
    }
}
