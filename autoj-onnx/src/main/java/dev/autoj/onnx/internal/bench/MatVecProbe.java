package dev.autoj.onnx.internal.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.onnx.internal.graph.OnnxGraph;
import dev.autoj.onnx.internal.graph.OnnxGraph.ElemType;
import dev.autoj.onnx.internal.runtime.OrtRuntime;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * Memory read bandwidth as ONNX Runtime's own matrix-vector kernel attains it: one linear layer
 * exactly as the decoder multiplies its weights ({@code Gemm transB=1} over a 512 MB weight
 * handed over as an external initializer), with nothing else in the graph. Simple read loops in
 * Java reach only part of what this kernel's wide, prefetched loads reach, so a benchmark that
 * measured memory with them alone would credit the engine with more than 100% of the bandwidth.
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

    /** The best of sixteen runs over the 512 MB matrix, in bytes of the matrix read per second. */
    public static double bytesPerSecond() {
        OnnxGraph g = new OnnxGraph();
        g.externalInitializer("w", ElemType.FLOAT, new long[] {N, K});
        g.input("x", ElemType.FLOAT, 1, K);
        g.output("y", ElemType.FLOAT, 1, N);
        g.named("", "Gemm", List.of("x", "w"), List.of("y"), OnnxGraph.Attr.i("transB", 1));
        ByteBuffer matrix = ByteBuffer.allocateDirect(K * N * 4).order(ByteOrder.nativeOrder());
        OrtEnvironment env = OrtRuntime.environment();
        try (OnnxTensor w = OnnxTensor.createTensor(env, matrix, new long[] {N, K}, ai.onnxruntime.OnnxJavaType.FLOAT);
                OrtSession.SessionOptions options = OrtRuntime.sessionOptions()) {
            options.addExternalInitializers(Map.of("w", w));
            try (OrtSession session = env.createSession(g.toModel("matvec_probe", 17), options);
                    OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[K]), new long[] {1, K})) {
                return best(session, x);
            }
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime could not run the bandwidth probe: " + e.getMessage(), e);
        }
    }

    private static double best(OrtSession session, OnnxTensor x) throws OrtException {
        double best = 0;
        for (int i = 0; i < 16; i++) {
            long start = System.nanoTime();
            session.run(Map.of("x", x)).close();
            best = Math.max(best, (double) K * N * 4 * 1e9 / (System.nanoTime() - start));
        }
        return best;
    }
}
