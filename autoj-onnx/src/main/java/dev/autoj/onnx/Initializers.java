package dev.autoj.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.checkpoint.Buffers;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.DType;
import dev.autoj.onnx.internal.checkpoint.Halfs;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.QuantizedLinear;
import dev.autoj.onnx.internal.checkpoint.QuantizedWeights;
import dev.autoj.onnx.internal.checkpoint.Tensor;
import dev.autoj.onnx.internal.graph.LlamaGraph;
import dev.autoj.onnx.internal.graph.LlamaWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A checkpoint's weights as the decoder graph reads them: initializers by name, memory-mapped
 * checkpoint bytes when the element type already matches, converted direct buffers otherwise.
 */
final class Initializers {

    private Initializers() {
    }

    /**
     * The session's weights as the graph reads them, by initializer name; every tensor made is
     * added to {@code tensors}. Converted and quantized weights are direct buffers that exist
     * together until the session takes them; when they do not fit the JVM's direct memory the
     * error says how much they need and what to change.
     */
    static Map<String, OnnxTensorLike> of(OrtEnvironment env, ModelConfig config, Checkpoint checkpoint,
            Dtype dtype, LlamaGraph.Int4 int4, QuantizedWeights quantized, boolean fp16Compute, List<OnnxTensor> tensors)
            throws OrtException {
        try {
            return made(env, config, checkpoint, dtype, int4, quantized, fp16Compute, tensors);
        } catch (OutOfMemoryError e) {
            if (e.getMessage() == null || !e.getMessage().contains("direct buffer memory")) {
                throw e;
            }
            long need = WeightAccount.of(config, dtype, int4, fp16Compute).stream().mapToLong(WeightClass::bytes).sum();
            throw new BackendException("The " + dtype + " weights of " + checkpoint.dir() + " are prepared in memory"
                    + " before ONNX Runtime takes them, up to " + (need >> 20) + " MB of direct memory at once, and the JVM"
                    + " refused more (" + e.getMessage() + "). Start the JVM with -XX:MaxDirectMemorySize above that"
                    + " (it defaults to the maximum heap).", e);
        }
    }

    private static Map<String, OnnxTensorLike> made(OrtEnvironment env, ModelConfig config, Checkpoint checkpoint,
            Dtype dtype, LlamaGraph.Int4 int4, QuantizedWeights quantized, boolean fp16Compute, List<OnnxTensor> tensors)
            throws OrtException {
        Map<String, OnnxTensorLike> initializers = new LinkedHashMap<>();
        OnnxJavaType full = fp16Compute ? OnnxJavaType.FLOAT16 : OnnxJavaType.FLOAT;
        if (dtype == Dtype.INT4) {
            for (LlamaWeights.Weight w : LlamaWeights.unquantizedWeights(config, int4)) {
                Tensor tensor = checkpoint.tensor(w.name(), w.shape());
                put(env, initializers, tensors, w.name(), fp16Compute ? asFloat16(tensor) : asFloat32(tensor), w.shape(), full);
            }
            for (Map.Entry<String, String> e : int4.inputOrders().entrySet()) {
                if (!initializers.containsKey(e.getValue())) {
                    int[] order = quantized.inputOrder(e.getKey());
                    if (order == null) {
                        throw new BackendException("The decoder was built to read the inputs of " + e.getKey()
                                + " in act-order, but " + checkpoint.dir() + " gives no order for it.");
                    }
                    ByteBuffer indices = ByteBuffer.allocateDirect(order.length * 8).order(ByteOrder.nativeOrder());
                    for (int i = 0; i < order.length; i++) {
                        indices.putLong(i * 8, order[i]);
                    }
                    put(env, initializers, tensors, e.getValue(), indices, new long[] {order.length}, OnnxJavaType.INT64);
                }
            }
            for (LlamaWeights.Weight w : LlamaWeights.quantizedWeights(config, int4)) {
                QuantizedLinear q = checked(quantized.linear(w.name(), w.shape()), w, int4, checkpoint);
                put(env, initializers, tensors, w.name() + LlamaGraph.Q4, q.packed(),
                        QuantizedLinear.codesShape(q.outFeatures(), q.inFeatures(), q.blockSize()), OnnxJavaType.UINT8);
                ByteBuffer scales = q.scales();
                if (fp16Compute) {
                    scales = halves(q.scales());
                    // the fp32 scales are the quantizer's own buffer, read by nothing else
                    Buffers.free(q.scales());
                }
                put(env, initializers, tensors, w.name() + LlamaGraph.SCALES, scales,
                        QuantizedLinear.scalesShape(q.outFeatures(), q.inFeatures(), q.blockSize()), full);
                if (int4.zeroPoints()) {
                    put(env, initializers, tensors, w.name() + LlamaGraph.ZERO_POINTS, q.zeroPoints(),
                            QuantizedLinear.zeroPointsShape(q.outFeatures(), q.inFeatures(), q.blockSize()), OnnxJavaType.UINT8);
                }
            }
        } else {
            for (LlamaWeights.Weight w : LlamaWeights.weights(config)) {
                Tensor tensor = checkpoint.tensor(w.name(), w.shape());
                if (dtype == Dtype.FP32) {
                    put(env, initializers, tensors, w.name(), asFloat32(tensor), w.shape(), OnnxJavaType.FLOAT);
                } else {
                    put(env, initializers, tensors, w.name(), asFloat16(tensor), w.shape(), OnnxJavaType.FLOAT16);
                }
            }
        }
        return initializers;
    }

    /** A tensor over {@code data}, added to {@code tensors} (the caller closes them) and to {@code initializers} as {@code name}. */
    static void put(OrtEnvironment env, Map<String, OnnxTensorLike> initializers, List<OnnxTensor> tensors,
            String name, ByteBuffer data, long[] shape, OnnxJavaType type) throws OrtException {
        OnnxTensor tensor = OnnxTensor.createTensor(env, data, shape, type);
        tensors.add(tensor);
        initializers.put(name, tensor);
        BACKING.put(tensor, data);
    }

    /**
     * The buffer each tensor made here was created over ({@link OnnxTensor#getBufferRef()} gives
     * a typed view of it, which cannot be freed), for {@link #release}; weak keys, so a tensor
     * nobody holds leaves no entry.
     */
    private static final Map<OnnxTensor, ByteBuffer> BACKING = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /**
     * Closes {@code tensors} (made by {@link #put}) handed to a session as external initializers (copied by ONNX Runtime
     * when the session was created) and frees or unmaps their buffers now, and empties the list;
     * returns how many buffers were freed.
     * Only for such tensors: a buffer a session reads where it lies must outlive the session.
     */
    static int release(List<OnnxTensor> tensors) {
        int freed = 0;
        for (OnnxTensor tensor : tensors) {
            ByteBuffer data = BACKING.remove(tensor);
            tensor.close();
            freed += Buffers.free(data) ? 1 : 0;
        }
        tensors.clear();
        return freed;
    }

    /**
     * Frees the buffer {@code tensor} (made by {@link #put}) was created over, leaving the tensor
     * open: only for a weight the session has copied into its own layout and never reads again.
     */
    static boolean freeBacking(OnnxTensorLike tensor) {
        return Buffers.free(BACKING.remove(tensor));
    }

    /** The entries of {@code all} whose names are {@code wanted}, in order (a split session's share, a session's inputs). */
    static <T> Map<String, T> only(Map<String, T> all, Predicate<String> wanted) {
        Map<String, T> out = new LinkedHashMap<>();
        all.forEach((name, value) -> {
            if (wanted.test(name)) {
                out.put(name, value);
            }
        });
        return out;
    }

    /**
     * The tensor's values as fp32 in a direct buffer: its own mapped bytes when it already is fp32
     * (no copy); otherwise a converted copy, and the source is unmapped (its pages would otherwise
     * stay resident beside the copy until a garbage collection).
     */
    static ByteBuffer asFloat32(Tensor tensor) {
        if (tensor.dtype() == DType.F32) {
            return tensor.data();
        }
        int n = Math.toIntExact(tensor.elements());
        ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            out.putFloat(i * 4, tensor.get(i));
        }
        Buffers.free(tensor.data());
        return out;
    }

    /** As {@link #asFloat32} in fp16. */
    static ByteBuffer asFloat16(Tensor tensor) {
        if (tensor.dtype() == DType.F16) {
            return tensor.data();
        }
        int n = Math.toIntExact(tensor.elements());
        ByteBuffer out = ByteBuffer.allocateDirect(n * 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            out.putShort(i * 2, Halfs.floatToHalf(tensor.get(i)));
        }
        Buffers.free(tensor.data());
        return out;
    }

    /** fp32 values (native order) as fp16, for MatMulNBits scales in an fp16 graph. */
    static ByteBuffer halves(ByteBuffer floats) {
        ByteBuffer in = floats.duplicate().order(ByteOrder.nativeOrder());
        int n = in.capacity() / 4;
        ByteBuffer out = ByteBuffer.allocateDirect(n * 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            out.putShort(i * 2, Halfs.floatToHalf(in.getFloat(i * 4)));
        }
        return out;
    }

    /** The weight as the graph was built for it, or a clear error naming what differs. */
    private static QuantizedLinear checked(QuantizedLinear q, LlamaWeights.Weight w, LlamaGraph.Int4 int4, Checkpoint checkpoint) {
        String problem = null;
        if (q.outFeatures() != w.shape()[0] || q.inFeatures() != w.shape()[1]) {
            problem = "shape [" + q.outFeatures() + ", " + q.inFeatures() + "] instead of [" + w.shape()[0] + ", "
                    + w.shape()[1] + "]";
        } else if (q.blockSize() != int4.blockSize()) {
            problem = "block size " + q.blockSize() + " instead of " + int4.blockSize();
        } else if ((q.zeroPoints() != null) != int4.zeroPoints()) {
            problem = int4.zeroPoints() ? "no zero points where the graph reads them" : "zero points the graph does not read";
        }
        if (problem != null) {
            throw new BackendException("The 4-bit weight " + w.name() + " from " + checkpoint.dir() + " has " + problem
                    + "; the decoder was built for blocks of " + int4.blockSize()
                    + (int4.zeroPoints() ? " with" : " without") + " zero points.");
        }
        return q;
    }
}
