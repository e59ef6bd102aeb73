package dev.autoj.engine.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.onnx.graph.OnnxGraph;
import dev.autoj.engine.backend.onnx.graph.OnnxGraph.ElemType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * Memory read bandwidth as ONNX Runtime's own matrix-vector kernel attains it: a 1×K · K×N
 * {@code MatMul} over a 512 MB matrix passed as an input (not an initializer, so nothing is
 * pre-packed or folded). Simple read loops in Java reach only part of what this kernel's wide,
 * prefetched loads reach, so a benchmark that measured memory with them alone would credit the
 * engine with more than 100% of the bandwidth.
 *
 * <pre>{@code
 * double bytesPerSecond = MatVecProbe.bytesPerSecond();
 * }</pre>
 */
public final class MatVecProbe {

    private static final int K = 8192;
    private static final int N = 16384;

    private MatVecProbe() {
    }

    /** The best of eight runs over the 512 MB matrix, in bytes of the matrix read per second. */
    public static double bytesPerSecond() {
        OnnxGraph g = new OnnxGraph();
        g.input("w", ElemType.FLOAT, K, N);
        g.input("x", ElemType.FLOAT, 1, K);
        g.output("y", ElemType.FLOAT, 1, N);
        g.named("", "MatMul", List.of("x", "w"), List.of("y"));
        ByteBuffer matrix = ByteBuffer.allocateDirect(K * N * 4).order(ByteOrder.nativeOrder());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(g.toModel("matvec_probe", 17), options);
                OnnxTensor w = OnnxTensor.createTensor(env, matrix.asFloatBuffer(), new long[] {K, N});
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[K]), new long[] {1, K})) {
            double best = 0;
            for (int i = 0; i < 8; i++) {
                long start = System.nanoTime();
                session.run(Map.of("w", w, "x", x)).close();
                best = Math.max(best, (double) K * N * 4 * 1e9 / (System.nanoTime() - start));
            }
            return best;
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime could not run the bandwidth probe: " + e.getMessage(), e);
        }
    }
}
