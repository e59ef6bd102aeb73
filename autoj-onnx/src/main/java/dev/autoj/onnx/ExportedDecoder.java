package dev.autoj.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.onnx.ExportedFolder.Io;
import dev.autoj.onnx.ExportedFolder.Limits;
import dev.autoj.onnx.internal.checkpoint.CheckpointException;
import dev.autoj.onnx.internal.runtime.OrtRuntime;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A decoder ONNX file exported by another tool (Hugging Face Optimum or onnxruntime-genai's model
 * builder), run by ONNX Runtime with the engine's greedy loop. The graph's inputs and outputs
 * are mapped by name ({@link Io}); the key/value cache layout ([batch, kv_heads, seq, head_dim])
 * and its element type are read from the session's input descriptions.
 *
 * <p>One sequence at a time: the external graphs take a 0/1 {@code attention_mask} whose
 * padding semantics (left padding, positions) differ between exporters, so batching them is not
 * attempted; {@link ExportedDecoderBackend} decodes requests one after another.
 */
final class ExportedDecoder implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Io io;
    private final Path file;
    private final CacheLayout cacheLayout;
    private final int vocab;
    private final Limits limits;
    private final Device device;

    /**
     * The key/value cache as the graph's inputs declare it: {@code layers} pairs of
     * [batch, kvHeads, past_sequence, headDim] tensors of {@code type} (float32 or float16).
     */
    record CacheLayout(int layers, long kvHeads, long headDim, OnnxJavaType type) {

        /** The shape of one layer's key or value before the first step: no past tokens. */
        long[] emptyShape() {
            return new long[] {1, kvHeads, 0, headDim};
        }
    }

    private ExportedDecoder(OrtEnvironment env, OrtSession session, Io io, Path file, CacheLayout cacheLayout, int vocab,
            Limits limits, Device device) {
        this.env = env;
        this.session = session;
        this.io = io;
        this.file = file;
        this.cacheLayout = cacheLayout;
        this.vocab = vocab;
        this.limits = limits;
        this.device = device;
    }

    /** Opens the decoder in {@code dir}; errors name the folder and what was found. */
    static ExportedDecoder open(Path dir, Device device) {
        ExportedFolder folder = ExportedFolder.read(dir);
        Path file = folder.file();
        Limits limits = folder.limits();
        OrtEnvironment env = OrtRuntime.environment();
        OrtSession session = null;
        try {
            Device used = Device.CPU;
            if (device != Device.CPU) {
                // The same provider options and the same failure handling as the native decoder's session.
                try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions();
                        OrtCUDAProviderOptions cuda = CudaProvider.options()) {
                    options.addCUDA(cuda);
                    session = env.createSession(file.toString(), options);
                    used = Device.CUDA;
                } catch (OrtException | LinkageError e) {
                    CudaProvider.unavailable(device, file.getFileName().toString(), e);
                }
            }
            if (session == null) {
                try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions()) {
                    session = env.createSession(file.toString(), options);
                }
            }
            Io io = folder.io(session.getInputNames());
            ExportedDecoder decoder = inspect(env, session, io, file, limits, used);
            session = null;
            return decoder;
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime could not load the exported decoder " + file + ": " + e.getMessage(), e);
        } finally {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException e) {
                    System.getLogger(ExportedDecoder.class.getName()).log(System.Logger.Level.WARNING,
                            "autoj onnx: closing the rejected session of " + file + " failed: " + e.getMessage());
                }
            }
        }
    }

    /** Checks the graph against {@code io} and reads the cache layout; the error lists found and expected names. */
    private static ExportedDecoder inspect(OrtEnvironment env, OrtSession session, Io io, Path file, Limits limits,
            Device device) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        int layers = 0;
        while (inputs.containsKey(String.format(io.pastKey(), layers))) {
            layers++;
        }
        List<String> expectedIn = new ArrayList<>(List.of(io.inputIds(), io.attentionMask()));
        if (io.positionIds() != null) {
            expectedIn.add(io.positionIds());
        }
        List<String> expectedOut = new ArrayList<>(List.of(io.logits()));
        for (int l = 0; l < Math.max(layers, 1); l++) {
            expectedIn.add(String.format(io.pastKey(), l));
            expectedIn.add(String.format(io.pastValue(), l));
            expectedOut.add(String.format(io.presentKey(), l));
            expectedOut.add(String.format(io.presentValue(), l));
        }
        Set<String> known = new LinkedHashSet<>(expectedIn);
        if (io.useCacheBranch() != null) {
            known.add(io.useCacheBranch());
        }
        List<String> missing = new ArrayList<>();
        expectedIn.stream().filter(n -> !inputs.containsKey(n)).forEach(n -> missing.add("input " + n));
        expectedOut.stream().filter(n -> !outputs.containsKey(n)).forEach(n -> missing.add("output " + n));
        List<String> unknown = inputs.keySet().stream().filter(n -> !known.contains(n)).toList();
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new CheckpointException("The decoder " + file + " does not follow the " + io.convention()
                    + " naming. Missing: " + (missing.isEmpty() ? "nothing" : String.join(", ", missing))
                    + (unknown.isEmpty() ? "" : "; inputs it has that the engine cannot feed: " + String.join(", ", unknown))
                    + ". Found inputs " + new TreeSet<>(inputs.keySet()) + " and outputs " + new TreeSet<>(outputs.keySet())
                    + ". Expected inputs " + io.inputIds() + ", " + io.attentionMask() + ", optional "
                    + (io.positionIds() != null ? io.positionIds() : "position_ids") + " and use_cache_branch, "
                    + io.pastKey() + " / " + io.pastValue() + " per layer; outputs " + io.logits() + ", "
                    + io.presentKey() + " / " + io.presentValue() + ". Export with Optimum (optimum-cli export onnx "
                    + "--task text-generation-with-past) or onnxruntime-genai's builder, or write a genai_config.json "
                    + "naming the graph's inputs and outputs.");
        }
        TensorInfo past = (TensorInfo) inputs.get(String.format(io.pastKey(), 0)).getInfo();
        long[] shape = past.getShape();
        if (shape.length != 4 || shape[1] <= 0 || shape[3] <= 0) {
            throw new CheckpointException("The cache input " + String.format(io.pastKey(), 0) + " of " + file + " has shape "
                    + Arrays.toString(shape) + "; the engine needs [batch, kv_heads, past_sequence, head_dim] with "
                    + "kv_heads and head_dim fixed.");
        }
        OnnxJavaType type = past.type;
        if (type != OnnxJavaType.FLOAT && type != OnnxJavaType.FLOAT16) {
            throw new CheckpointException("The cache of " + file + " holds " + type + "; only float32 and float16 caches are supported.");
        }
        long[] logitsShape = ((TensorInfo) outputs.get(io.logits()).getInfo()).getShape();
        int vocab = logitsShape.length == 3 && logitsShape[2] > 0 ? Math.toIntExact(logitsShape[2]) : -1;
        return new ExportedDecoder(env, session, io, file, new CacheLayout(layers, shape[1], shape[3], type), vocab, limits, device);
    }

    Io io() {
        return io;
    }

    CacheLayout cacheLayout() {
        return cacheLayout;
    }

    Limits limits() {
        return limits;
    }

    Device device() {
        return device;
    }

    /** The vocabulary size from the logits' shape, or -1 when the graph leaves it symbolic. */
    int vocab() {
        return vocab;
    }

    /** Greedy continuation of {@code prompt} with the key/value cache, by the same {@link Greedy} rules as {@link BatchScheduler}. */
    TokenGeneration generate(int[] prompt, int budget) {
        long start = System.nanoTime();
        long prefill = 0;
        Greedy.Sequence sequence = new Greedy.Sequence(limits.eosIds(), budget);
        try (Cache cache = new Cache()) {
            float[] logits = last(step(cache, prompt));
            while (true) {
                sequence.accept(Greedy.argmax(logits));
                if (prefill == 0) {
                    prefill = System.nanoTime() - start;
                }
                if (!sequence.running()) {
                    break;
                }
                logits = last(step(cache, new int[] {sequence.last()}));
            }
        }
        return new TokenGeneration(sequence.tokens(), sequence.reason(), prompt.length, prefill,
                System.nanoTime() - start - prefill);
    }

    /** Logits of every position of {@code ids} run in one step from an empty cache (tests compare). */
    float[][] logitsOf(int[] ids) {
        try (Cache cache = new Cache()) {
            return step(cache, ids);
        }
    }

    /** Logits after {@code prefix} and then {@code rest} one token at a time (tests check the cache path). */
    float[][] logitsWithCache(int[] prefix, int[] rest) {
        try (Cache cache = new Cache()) {
            List<float[]> rows = new ArrayList<>(Arrays.asList(step(cache, prefix)));
            for (int id : rest) {
                rows.add(step(cache, new int[] {id})[0]);
            }
            return rows.toArray(new float[0][]);
        }
    }

    private static float[] last(float[][] rows) {
        return rows[rows.length - 1];
    }

    /** The presents of the previous step, fed back as the next step's past. */
    private final class Cache implements AutoCloseable {
        OrtSession.Result last;
        int length;

        @Override
        public void close() {
            if (last != null) {
                last.close();
                last = null;
            }
        }
    }

    private float[][] step(Cache cache, int[] ids) {
        int seq = ids.length;
        int total = cache.length + seq;
        if (total > limits.contextWindow()) {
            throw new BackendException("The sequence would reach " + total + " tokens, more than the context window of "
                    + limits.contextWindow() + " of " + file + ".");
        }
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            Map<String, OnnxTensorLike> inputs = new HashMap<>();
            long[] idArray = Arrays.stream(ids).asLongStream().toArray();
            long[] mask = new long[total];
            Arrays.fill(mask, 1);
            inputs.put(io.inputIds(), own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(idArray), new long[] {1, seq})));
            inputs.put(io.attentionMask(), own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, total})));
            if (io.positionIds() != null) {
                long[] positions = new long[seq];
                for (int i = 0; i < seq; i++) {
                    positions[i] = cache.length + i;
                }
                inputs.put(io.positionIds(), own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {1, seq})));
            }
            if (io.useCacheBranch() != null) {
                inputs.put(io.useCacheBranch(), own(owned, OnnxTensor.createTensor(env, new boolean[] {cache.last != null})));
            }
            long[] emptyShape = cacheLayout.emptyShape();
            for (int l = 0; l < cacheLayout.layers(); l++) {
                feed(inputs, owned, cache, String.format(io.pastKey(), l), String.format(io.presentKey(), l), emptyShape);
                feed(inputs, owned, cache, String.format(io.pastValue(), l), String.format(io.presentValue(), l), emptyShape);
            }
            OrtSession.Result result = session.run(inputs);
            float[][] logits;
            try {
                logits = logits((OnnxTensor) result.get(io.logits()).orElseThrow(), seq);
            } catch (RuntimeException e) {
                result.close();
                throw e;
            }
            cache.close();
            cache.last = result;
            cache.length = total;
            return logits;
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime failed on a step of " + seq + " tokens after " + cache.length
                    + " in the exported decoder " + file + ": " + e.getMessage(), e);
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    private void feed(Map<String, OnnxTensorLike> inputs, List<OnnxTensor> owned, Cache cache, String past, String present,
            long[] emptyShape) throws OrtException {
        if (cache.last == null) {
            OnnxTensor empty = cacheLayout.type() == OnnxJavaType.FLOAT16
                    ? OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(0), emptyShape, OnnxJavaType.FLOAT16)
                    : OnnxTensor.createTensor(env, FloatBuffer.allocate(0), emptyShape);
            inputs.put(past, own(owned, empty));
        } else {
            inputs.put(past, (OnnxTensor) cache.last.get(present).orElseThrow());
        }
    }

    private static OnnxTensor own(List<OnnxTensor> owned, OnnxTensor tensor) {
        owned.add(tensor);
        return tensor;
    }

    /** Rows of logits for the step's positions; a graph that returns only the last position gives one row. */
    private float[][] logits(OnnxTensor tensor, int seq) {
        long[] shape = tensor.getInfo().getShape();
        int width = Math.toIntExact(shape[shape.length - 1]);
        int rows = shape.length == 3 ? Math.toIntExact(shape[1]) : 1;
        if (rows != seq && rows != 1) {
            throw new BackendException("The decoder " + file + " returned logits of shape " + Arrays.toString(shape)
                    + " for " + seq + " tokens; expected [1, " + seq + ", vocab] or [1, 1, vocab].");
        }
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[][] out = new float[rows][width];
        for (float[] row : out) {
            buffer.get(row);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime could not close the exported decoder " + file + ": " + e.getMessage(), e);
        }
    }
}
