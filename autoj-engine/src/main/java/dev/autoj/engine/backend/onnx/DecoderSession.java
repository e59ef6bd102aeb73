package dev.autoj.engine.backend.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.onnx.checkpoint.Checkpoint;
import dev.autoj.engine.backend.onnx.checkpoint.DType;
import dev.autoj.engine.backend.onnx.checkpoint.Halfs;
import dev.autoj.engine.backend.onnx.checkpoint.ModelConfig;
import dev.autoj.engine.backend.onnx.checkpoint.Tensor;
import dev.autoj.engine.backend.onnx.graph.LlamaGraph;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One ONNX Runtime session over a built decoder, its weights handed to the session as external
 * initializers (memory-mapped checkpoint bytes when the element type already matches, converted
 * direct buffers otherwise). Not thread-safe; the backend serialises calls.
 */
final class DecoderSession implements AutoCloseable {

    /**
     * Stack of the thread that creates the ONNX Runtime environment and sessions. Native code
     * there recurses to a depth that grows with the length of the process's command line: with
     * a 512-token {@code --prompt-ids} list it overflowed Java's default 1 MB stack and the JVM
     * died with SIGSEGV (no Java exception, no error file). Only touched pages are committed, so
     * a generous reservation costs address space, not memory.
     */
    static final long LOADER_STACK_BYTES = 256L << 20;

    /** Additive mask value for a forbidden key: large enough to vanish in softmax, finite so a row never becomes NaN. */
    private static final float MASKED = -1e30f;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<OnnxTensor> weights;
    private final ModelConfig config;

    private DecoderSession(OrtEnvironment env, OrtSession session, List<OnnxTensor> weights, ModelConfig config) {
        this.env = env;
        this.session = session;
        this.weights = weights;
        this.config = config;
    }

    /** The key/value cache of one sequence: the last step's outputs, fed back as the next step's past. */
    static final class KvCache implements AutoCloseable {
        private OrtSession.Result last;
        private int length;

        int length() {
            return length;
        }

        @Override
        public void close() {
            if (last != null) {
                last.close();
                last = null;
            }
        }
    }

    static DecoderSession open(ModelConfig config, Checkpoint checkpoint, OnnxOptions.Dtype dtype, Path modelFile) {
        return onBigStack(() -> load(config, checkpoint, dtype, modelFile));
    }

    private static DecoderSession load(ModelConfig config, Checkpoint checkpoint, OnnxOptions.Dtype dtype, Path modelFile) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OnnxTensor> tensors = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            Map<String, OnnxTensorLike> initializers = new LinkedHashMap<>();
            for (LlamaGraph.Weight w : LlamaGraph.weights(config)) {
                Tensor tensor = checkpoint.tensor(w.name(), w.shape());
                OnnxTensor onnx = dtype == OnnxOptions.Dtype.FP32
                        ? OnnxTensor.createTensor(env, asFloat32(tensor), w.shape(), OnnxJavaType.FLOAT)
                        : OnnxTensor.createTensor(env, asFloat16(tensor), w.shape(), OnnxJavaType.FLOAT16);
                tensors.add(onnx);
                initializers.put(w.name(), onnx);
            }
            options.addExternalInitializers(initializers);
            OrtSession session = env.createSession(modelFile.toString(), options);
            return new DecoderSession(env, session, tensors, config);
        } catch (OrtException e) {
            tensors.forEach(OnnxTensor::close);
            throw new BackendException("ONNX Runtime could not load the decoder built from " + checkpoint.dir()
                    + " (" + modelFile + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            tensors.forEach(OnnxTensor::close);
            throw e;
        }
    }

    /** Runs {@code task} on a fresh thread with {@link #LOADER_STACK_BYTES} of stack and returns its result. */
    private static <T> T onBigStack(Supplier<T> task) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                result.set(task.get());
            } catch (RuntimeException | Error e) {
                failure.set(e);
            }
        }, "autoj-onnx-loader", LOADER_STACK_BYTES);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable error = failure.get();
        if (error instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (error instanceof Error fatal) {
            throw fatal;
        }
        return result.get();
    }

    KvCache newCache() {
        return new KvCache();
    }

    /**
     * Runs {@code ids} after what {@code cache} holds and appends them to it.
     *
     * @param allPositions logits for every new position, or only for the last one
     * @return one row of vocabulary logits per requested position
     */
    float[][] forward(KvCache cache, int[] ids, boolean allPositions) {
        int past = cache.length;
        int seq = ids.length;
        int total = past + seq;
        if (seq == 0) {
            throw new IllegalArgumentException("no tokens to run");
        }
        if (total > config.contextWindow()) {
            throw new BackendException("The sequence would reach " + total + " tokens, more than the model's context "
                    + "window of " + config.contextWindow() + ".");
        }
        Map<String, OnnxTensor> owned = new HashMap<>();
        try {
            long[] idArray = new long[seq];
            long[] positions = new long[seq];
            for (int i = 0; i < seq; i++) {
                idArray[i] = ids[i];
                positions[i] = past + i;
            }
            float[] bias = new float[seq * total];
            for (int i = 0; i < seq; i++) {
                for (int j = past + i + 1; j < total; j++) {
                    bias[i * total + j] = MASKED;
                }
            }
            long[] wanted = allPositions ? java.util.stream.LongStream.range(0, seq).toArray() : new long[] {seq - 1};
            owned.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(idArray), new long[] {1, seq}));
            owned.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, seq}));
            owned.put("attention_bias", OnnxTensor.createTensor(env, FloatBuffer.wrap(bias), new long[] {1, 1, seq, total}));
            owned.put("logits_positions", OnnxTensor.createTensor(env, LongBuffer.wrap(wanted), new long[] {wanted.length}));
            Map<String, OnnxTensorLike> inputs = new HashMap<>(owned);
            long[] emptyShape = {1, config.numKvHeads(), 0, config.headDim()};
            for (int l = 0; l < config.numLayers(); l++) {
                for (String kind : new String[] {"key", "value"}) {
                    String name = "past_" + kind + "." + l;
                    if (cache.last == null) {
                        OnnxTensor empty = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), emptyShape);
                        owned.put(name, empty);
                        inputs.put(name, empty);
                    } else {
                        inputs.put(name, (OnnxTensor) cache.last.get("present_" + kind + "." + l).orElseThrow());
                    }
                }
            }
            OrtSession.Result result = session.run(inputs);
            float[][] logits;
            try {
                logits = logits(result.get("logits").orElseThrow(), wanted.length);
            } catch (RuntimeException e) {
                result.close();
                throw e;
            }
            cache.close();
            cache.last = result;
            cache.length = total;
            return logits;
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime failed on a step of " + seq + " tokens after " + past + ": "
                    + e.getMessage(), e);
        } finally {
            owned.values().forEach(OnnxTensor::close);
        }
    }

    private float[][] logits(OnnxValue value, int rows) {
        FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
        int vocab = config.vocabSize();
        float[][] out = new float[rows][vocab];
        for (int r = 0; r < rows; r++) {
            buffer.get(out[r]);
        }
        return out;
    }

    private static ByteBuffer asFloat32(Tensor tensor) {
        if (tensor.dtype() == DType.F32) {
            return tensor.data();
        }
        int n = Math.toIntExact(tensor.elements());
        ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            out.putFloat(i * 4, tensor.get(i));
        }
        return out;
    }

    private static ByteBuffer asFloat16(Tensor tensor) {
        if (tensor.dtype() == DType.F16) {
            return tensor.data();
        }
        int n = Math.toIntExact(tensor.elements());
        ByteBuffer out = ByteBuffer.allocateDirect(n * 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            out.putShort(i * 2, Halfs.floatToHalf(tensor.get(i)));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime could not close the decoder session: " + e.getMessage(), e);
        } finally {
            weights.forEach(OnnxTensor::close);
        }
    }
}
