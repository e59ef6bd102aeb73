package dev.autoj.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.DType;
import dev.autoj.onnx.internal.checkpoint.Halfs;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.QuantizedLinear;
import dev.autoj.onnx.internal.checkpoint.QuantizedWeights;
import dev.autoj.onnx.internal.checkpoint.Tensor;
import dev.autoj.onnx.internal.graph.LlamaGraph;
import dev.autoj.onnx.internal.graph.OnnxGraph;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
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

    private static final System.Logger LOG = System.getLogger(DecoderSession.class.getName());

    private final OrtEnvironment env;
    private final OrtSession session;
    /** The session of the later layers and the head when the step decoder is split (see {@link Graph#tail()}), else null. */
    private OrtSession tail;
    private final List<OnnxTensor> weights;
    private final ModelConfig config;
    private final Device device;
    private final Graph graph;
    /** Where the time to open went, and how the 4-bit weight cache served (null when not used). */
    private Startup startup;
    private ModelCache.Outcome weightCacheOutcome;

    /**
     * Time spent opening the session: starting ONNX Runtime (loading its native libraries, the
     * first time in this JVM), building or loading the graph, preparing the weights
     * (mapping, converting, quantizing or reading the weight cache), and ONNX Runtime creating the
     * session (graph optimisation and weight prepacking).
     */
    record Startup(long runtimeNanos, long graphNanos, long weightsNanos, long sessionNanos) {
    }

    private DecoderSession(OrtEnvironment env, OrtSession session, List<OnnxTensor> weights,
            ModelConfig config, Device device, Graph graph) {
        this.env = env;
        this.session = session;
        this.weights = weights;
        this.config = config;
        this.device = device;
        this.graph = graph;
    }

    /** True for the generation graph (one run per batch), false for the step decoder (one run per token). */
    boolean generationGraph() {
        return graph.generation();
    }

    /** True when the graph computes in fp16 (the CUDA generation graph). */
    boolean fp16Compute() {
        return graph.fp16Compute();
    }

    Startup startup() {
        return startup;
    }

    /** How the weight cache (4-bit weights, or the packed fp32 session) served this session; null when the weights did not come from it. */
    ModelCache.Outcome weightCacheOutcome() {
        return weightCacheOutcome;
    }

    /** How the graph cache served the graph this session runs; null when the caller gave a file. */
    ModelCache.Outcome cacheOutcome() {
        return graph.outcome();
    }

    /**
     * The key/value cache of a batch of sequences: the last step's outputs, fed back as the next
     * step's past, plus which cache slots hold real tokens (padding and the filler steps of
     * finished sequences are masked out of attention).
     */
    static final class KvCache implements AutoCloseable {
        /** The last step's results: one per session (two when the decoder is split, each with its layers' cache). */
        private List<OrtSession.Result> last;
        /** Past tensors of a compacted batch, owned here (then {@code last} is null). */
        private Map<String, OnnxTensor> compacted;
        private int length;
        private int batch = -1;
        private boolean[][] valid = new boolean[0][];
        private int[] realTokens = new int[0];

        int length() {
            return length;
        }

        /** Sequences in the cache; -1 before the first step. */
        int batch() {
            return batch;
        }

        /** The past tensor {@code present_<kind>.<layer>} of the last step, or null before the first. */
        private OnnxTensor past(String name) {
            if (compacted != null) {
                return compacted.get(name);
            }
            if (last == null) {
                return null;
            }
            for (OrtSession.Result result : last) {
                java.util.Optional<OnnxValue> value = result.get(name);
                if (value.isPresent()) {
                    return (OnnxTensor) value.get();
                }
            }
            throw new IllegalStateException("no session output " + name);
        }

        @Override
        public void close() {
            if (last != null) {
                last.forEach(OrtSession.Result::close);
                last = null;
            }
            if (compacted != null) {
                compacted.values().forEach(OnnxTensor::close);
                compacted = null;
            }
        }
    }

    /**
     * One batch cache from single-sequence caches (each after its own prefill), left-padded to
     * the longest: the padding slots hold zeros and are marked invalid, so they are masked from
     * every later query. Prefilling one prompt at a time keeps the attention scores of a prefill
     * at one sequence's size (they grow with the square of the prompt length), and gives every
     * sequence exactly its single-run prefill.
     */
    KvCache merge(List<KvCache> singles) {
        int n = singles.size();
        int longest = singles.stream().mapToInt(KvCache::length).max().orElseThrow();
        int kvHeads = config.numKvHeads();
        int d = config.headDim();
        Map<String, OnnxTensor> merged = new HashMap<>();
        try {
            for (int l = 0; l < config.numLayers(); l++) {
                for (String kind : new String[] {"key", "value"}) {
                    String name = "present_" + kind + "." + l;
                    FloatBuffer out = ByteBuffer.allocateDirect(n * kvHeads * longest * d * 4).order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
                    for (int b = 0; b < n; b++) {
                        KvCache single = singles.get(b);
                        FloatBuffer source = single.past(name).getFloatBuffer();
                        int length = single.length;
                        for (int h = 0; h < kvHeads; h++) {
                            int target = ((b * kvHeads + h) * longest + (longest - length)) * d;
                            out.put(target, source, h * length * d, length * d);
                        }
                    }
                    merged.put(name, OnnxTensor.createTensor(env, out, new long[] {n, kvHeads, longest, d}));
                }
            }
        } catch (OrtException e) {
            merged.values().forEach(OnnxTensor::close);
            throw new BackendException("ONNX Runtime could not build the batch key/value cache: " + e.getMessage(), e);
        }
        KvCache cache = new KvCache();
        cache.compacted = merged;
        cache.batch = n;
        cache.length = longest;
        cache.valid = new boolean[n][longest];
        cache.realTokens = new int[n];
        for (int b = 0; b < n; b++) {
            int length = singles.get(b).length;
            Arrays.fill(cache.valid[b], longest - length, longest, true);
            cache.realTokens[b] = singles.get(b).realTokens[0];
        }
        return cache;
    }

    /**
     * Keeps only the rows {@code keep} (in that order) of the cache, so sequences that stopped no
     * longer take part in later steps. Copies the remaining keys and values once.
     */
    void compact(KvCache cache, int[] keep) {
        if (cache.batch < 0 || keep.length == cache.batch) {
            return;
        }
        Map<String, OnnxTensor> kept = new HashMap<>();
        try {
            for (int l = 0; l < config.numLayers(); l++) {
                for (String kind : new String[] {"key", "value"}) {
                    String name = "present_" + kind + "." + l;
                    OnnxTensor tensor = cache.past(name);
                    long[] shape = tensor.getInfo().getShape();
                    int row = Math.toIntExact(shape[1] * shape[2] * shape[3]);
                    FloatBuffer all = tensor.getFloatBuffer();
                    FloatBuffer out = ByteBuffer.allocateDirect(keep.length * row * 4).order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
                    for (int b : keep) {
                        out.put(all.slice(b * row, row));
                    }
                    out.rewind();
                    kept.put(name, OnnxTensor.createTensor(env, out, new long[] {keep.length, shape[1], shape[2], shape[3]}));
                }
            }
        } catch (OrtException e) {
            kept.values().forEach(OnnxTensor::close);
            throw new BackendException("ONNX Runtime could not shrink the key/value cache: " + e.getMessage(), e);
        }
        boolean[][] valid = new boolean[keep.length][];
        int[] realTokens = new int[keep.length];
        for (int i = 0; i < keep.length; i++) {
            valid[i] = cache.valid[keep[i]];
            realTokens[i] = cache.realTokens[keep[i]];
        }
        cache.close();
        cache.compacted = kept;
        cache.batch = keep.length;
        cache.valid = valid;
        cache.realTokens = realTokens;
    }

    /**
     * A built graph for one device: its file, whether it is the step decoder or the generation
     * graph ({@link dev.autoj.onnx.internal.graph.GenerationGraph}), and whether it computes in fp16 (then
     * the full-precision weights and the 4-bit scales are handed to it as fp16). {@code tail}, when
     * not null, holds the step decoder's layers from {@code split} on and the output head, and
     * {@code file} the layers before it ({@link LlamaGraph.Span}): two sessions, created in parallel.
     */
    record Graph(Path file, boolean generation, boolean fp16Compute, ModelCache.Outcome outcome, Path tail, int split) {

        /** A graph in one file. */
        Graph(Path file, boolean generation, boolean fp16Compute, ModelCache.Outcome outcome) {
            this(file, generation, fp16Compute, outcome, null, -1);
        }
    }

    /**
     * Opens a session on {@code device}. {@code int4} is the 4-bit layout when {@code dtype} is
     * INT4 (ignored otherwise), and {@code quantized} supplies the 4-bit weights in that layout.
     * {@code graphs} gives the graph to load on a device (CUDA is tried first unless {@code device}
     * is CPU; only the graphs of devices tried are built).
     */
    static DecoderSession open(ModelConfig config, Checkpoint checkpoint, Dtype dtype, LlamaGraph.Int4 int4,
            QuantizedWeights quantized, Device device, Function<Device, Graph> graphs) {
        return open(config, checkpoint, dtype, int4, quantized, device, graphs, null);
    }

    /**
     * As above; with {@code weightCacheDir} (4-bit weights quantized on load, in order, CPU only)
     * the weights come from {@link WeightCache}, mapped, and are written there first when missing.
     */
    static DecoderSession open(ModelConfig config, Checkpoint checkpoint, Dtype dtype, LlamaGraph.Int4 int4,
            QuantizedWeights quantized, Device device, Function<Device, Graph> graphs, Path weightCacheDir) {
        return onBigStack(() -> load(config, checkpoint, dtype, int4, quantized, device, graphs, weightCacheDir));
    }

    /** As above, with one step-decoder graph file for every device. */
    static DecoderSession open(ModelConfig config, Checkpoint checkpoint, Dtype dtype, LlamaGraph.Int4 int4,
            QuantizedWeights quantized, Device device, Path modelFile) {
        return open(config, checkpoint, dtype, int4, quantized, device, d -> new Graph(modelFile, false, false, null));
    }

    private static DecoderSession load(ModelConfig config, Checkpoint checkpoint, Dtype dtype,
            LlamaGraph.Int4 int4, QuantizedWeights quantized, Device device, Function<Device, Graph> graphs,
            Path weightCacheDir) {
        long runtimeStart = System.nanoTime();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long runtimeNanos = System.nanoTime() - runtimeStart;
        if (device != Device.CPU) {
            List<OnnxTensor> tensors = new ArrayList<>();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                    OrtCUDAProviderOptions cuda = cudaOptions()) {
                // adding the provider first fails fast (CPU build) before the CUDA graph and its weights are prepared
                options.addCUDA(cuda);
                Graph graph = graphs.apply(Device.CUDA);
                options.addExternalInitializers(initializers(env, config, checkpoint, dtype, int4, quantized,
                        graph.fp16Compute(), tensors));
                OrtSession session = env.createSession(graph.file().toString(), options);
                return new DecoderSession(env, session, tensors, config, Device.CUDA, graph);
            } catch (RuntimeException e) {
                // the checkpoint, the cache or the weights failed, not CUDA: no point trying the CPU
                tensors.forEach(OnnxTensor::close);
                throw e;
            } catch (OrtException | LinkageError e) {
                tensors.forEach(OnnxTensor::close);
                cudaUnavailable(device, checkpoint.dir().getFileName().toString(), e);
            }
        }
        long start = System.nanoTime();
        Graph graph = graphs.apply(Device.CPU);
        long graphDone = System.nanoTime();
        if (weightCacheDir != null && dtype == Dtype.FP32 && !graph.generation() && fp32Prepacking()
                && PackedSessionCache.enabled()) {
            DecoderSession opened = openPacked(env, config, checkpoint, int4, quantized, graph, weightCacheDir);
            if (opened != null) {
                opened.startup = new Startup(runtimeNanos, graphDone - start, 0, System.nanoTime() - graphDone);
                return opened;
            }
        }
        List<OnnxTensor> tensors = new ArrayList<>();
        try {
            WeightCache.Mapped cached = null;
            Map<String, OnnxTensorLike> initializers;
            if (weightCacheDir != null && dtype == Dtype.INT4 && !graph.fp16Compute() && int4.inputOrders().isEmpty()) {
                cached = WeightCache.load(weightCacheDir, config, checkpoint, int4, quantized);
                initializers = new LinkedHashMap<>();
                for (WeightCache.Slot slot : cached.slots().values()) {
                    put(env, initializers, tensors, slot.name(), cached.buffers().get(slot.name()), slot.shape(), slot.type());
                }
            } else {
                initializers = initializers(env, config, checkpoint, dtype, int4, quantized, graph.fp16Compute(), tensors);
            }
            long weightsDone = System.nanoTime();
            OrtSession[] sessions;
            if (graph.tail() == null) {
                sessions = new OrtSession[] {createCpuSession(env, graph.file(), dtype, initializers)};
            } else {
                LlamaGraph.Int4 layout = dtype == Dtype.INT4 ? int4 : null;
                Map<String, OnnxTensorLike> front = only(initializers, front(config, layout, graph));
                Map<String, OnnxTensorLike> back = only(initializers, back(config, layout, graph));
                sessions = inParallel(() -> createCpuSession(env, graph.file(), dtype, front),
                        () -> createCpuSession(env, graph.tail(), dtype, back));
            }
            long sessionDone = System.nanoTime();
            if (cached != null && RELEASE_PACKED_CODES) {
                // MatMulNBits has copied the codes into its own packed layout and ONNX Runtime no longer
                // reads them (Int4CacheTest proves it); unmapping them drops the second copy now
                for (java.nio.MappedByteBuffer codes : cached.releasable()) {
                    WeightCache.release(codes);
                }
            }
            DecoderSession opened = new DecoderSession(env, sessions[0], tensors, config, Device.CPU, graph);
            opened.tail = sessions.length > 1 ? sessions[1] : null;
            opened.startup = new Startup(runtimeNanos, graphDone - start, weightsDone - graphDone, sessionDone - weightsDone);
            opened.weightCacheOutcome = cached == null ? null : cached.outcome();
            return opened;
        } catch (OrtException e) {
            tensors.forEach(OnnxTensor::close);
            throw new BackendException("ONNX Runtime could not load the decoder built from " + checkpoint.dir()
                    + " (" + graph.file() + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            tensors.forEach(OnnxTensor::close);
            throw e;
        }
    }

    /** A CPU session on {@code file} with {@code initializers}, as {@link #load} configures it. */
    private static OrtSession createCpuSession(OrtEnvironment env, Path file, Dtype dtype,
            Map<String, OnnxTensorLike> initializers) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (dtype == Dtype.FP32 && !fp32Prepacking()) {
                // Gemm's prepacking copies every fp32 weight into MLAS' panel layout: a second copy of
                // the model in memory and about a second of start-up on the 1.1 GB bench model. Without
                // it Gemm reads the mapped checkpoint where it lies, at the same batch-1 decoding speed
                // but about a third slower at batch 8 and slower prefill (measured: docs/onnx-backend.md
                // "Speed and memory"), so it is the user's choice, not the default.
                options.addConfigEntry("session.disable_prepacking", "1");
            }
            // a split decoder runs its two sessions one after the other: neither may keep spinning after its run
            options.addConfigEntry("session.force_spinning_stop", "1");
            if (dtype == Dtype.FP16 || !OnnxGraph.ensureExternalPlaceholder(file.toAbsolutePath().getParent())) {
                // fp16: the graph widens the weights with Casts that ONNX Runtime folds when the session
                // starts; folding reads the initializers' bytes from the graph, which only external
                // initializers put there (the folded fp32 weights are ONNX Runtime's copies anyway)
                options.addExternalInitializers(initializers);
            } else {
                // Shared initializers (AddInitializer) are used where they lie. External initializers
                // (AddExternalInitializers) are copied into ONNX Runtime's own memory when the session
                // is created: on the 1.13 GB bench model peak RSS was 2.38 GB (fp32) and 1.02 GB (int4)
                // with them, 0.42 GB (int4) shared. The graph's placeholders name an empty file beside
                // it, which must exist for the model to load (where it cannot be created, e.g. a read-only
                // cache, the weights go in as external initializers); its bytes are never read.
                for (Map.Entry<String, OnnxTensorLike> e : initializers.entrySet()) {
                    options.addInitializer(e.getKey(), e.getValue());
                }
            }
            return env.createSession(file.toString(), options);
        }
    }

    /** A task that makes a session. */
    @FunctionalInterface
    interface SessionMaker {
        OrtSession make() throws OrtException;
    }

    /**
     * Makes both sessions at once, the first on a new thread: ONNX Runtime prepacks a session's
     * weights on the thread that creates it, one weight after another, so two sessions start in
     * about the time of the larger. When one fails the other is closed.
     */
    static OrtSession[] inParallel(SessionMaker first, SessionMaker second) throws OrtException {
        java.util.concurrent.CompletableFuture<OrtSession> background = new java.util.concurrent.CompletableFuture<>();
        // the same large stack as the loader thread: ONNX Runtime's graph passes recurse on it
        Thread thread = new Thread(null, () -> {
            try {
                background.complete(first.make());
            } catch (Throwable t) {
                background.completeExceptionally(t);
            }
        }, "autoj-session-start", LOADER_STACK_BYTES);
        thread.setDaemon(true);
        thread.start();
        OrtSession other;
        try {
            other = second.make();
        } catch (OrtException | RuntimeException e) {
            background.thenAccept(DecoderSession::closeQuietly);
            throw e;
        }
        try {
            return new OrtSession[] {background.join(), other};
        } catch (java.util.concurrent.CompletionException e) {
            closeQuietly(other);
            Throwable cause = e.getCause();
            if (cause instanceof OrtException ort) {
                throw ort;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new BackendException("Starting a session failed: " + cause, cause);
        }
    }

    private static void closeQuietly(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException e) {
            // closing after a failure: the failure is what gets reported
        }
    }

    /** Which initializers the first session of a split decoder takes. */
    private static java.util.function.Predicate<String> front(ModelConfig config, LlamaGraph.Int4 layout, Graph graph) {
        LlamaGraph.Span span = new LlamaGraph.Span(0, graph.split());
        return name -> LlamaGraph.inSpan(config, layout, span, name);
    }

    /** Which initializers the second session of a split decoder takes. */
    private static java.util.function.Predicate<String> back(ModelConfig config, LlamaGraph.Int4 layout, Graph graph) {
        LlamaGraph.Span span = new LlamaGraph.Span(graph.split(), config.numLayers());
        return name -> LlamaGraph.inSpan(config, layout, span, name);
    }

    /**
     * The fp32 step decoder from {@link PackedSessionCache}, written first when missing; {@code null}
     * when the cache cannot be written (the caller starts without it). The weights are handed over
     * only to write the entry, and released once it is written.
     */
    private static DecoderSession openPacked(OrtEnvironment env, ModelConfig config, Checkpoint checkpoint,
            LlamaGraph.Int4 int4, QuantizedWeights quantized, Graph graph, Path cacheDir) {
        List<OnnxTensor> made = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.function.Predicate<String> front = graph.tail() == null ? name -> true : front(config, null, graph);
        java.util.function.Predicate<String> back = graph.tail() == null ? name -> false : back(config, null, graph);
        long frontBytes = 0;
        long backBytes = 0;
        for (LlamaGraph.Weight w : LlamaGraph.weights(config)) {
            long bytes = 4 * WeightCache.elements(w.shape());
            frontBytes += front.test(w.name()) ? bytes : 0;
            backBytes += back.test(w.name()) ? bytes : 0;
        }
        long frontWeightBytes = frontBytes;
        long backWeightBytes = backBytes;
        PackedSessionCache.Weights all = () -> initializers(env, config, checkpoint, Dtype.FP32, int4, quantized, false, made);
        PackedSessionCache.Opened[] packed = new PackedSessionCache.Opened[2];
        try {
            if (graph.tail() == null) {
                packed[0] = PackedSessionCache.open(env, cacheDir, graph.file(), frontWeightBytes, all);
            } else {
                OrtSession[] sessions = inParallel(
                        () -> {
                            packed[0] = PackedSessionCache.open(env, cacheDir, graph.file(), frontWeightBytes,
                                    () -> only(all.get(), front));
                            return packed[0] == null ? null : packed[0].session();
                        },
                        () -> {
                            packed[1] = PackedSessionCache.open(env, cacheDir, graph.tail(), backWeightBytes,
                                    () -> only(all.get(), back));
                            return packed[1] == null ? null : packed[1].session();
                        });
                if (sessions[0] == null || sessions[1] == null) {
                    // one of the two entries could not be kept: start without the cache
                    for (OrtSession session : sessions) {
                        closeQuietly(session);
                    }
                    return null;
                }
            }
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime could not load the packed decoder from " + cacheDir + ": " + e.getMessage(), e);
        } finally {
            made.forEach(OnnxTensor::close);
        }
        if (packed[0] == null) {
            return null;
        }
        DecoderSession opened = new DecoderSession(env, packed[0].session(), List.of(), config, Device.CPU, graph);
        opened.tail = packed[1] == null ? null : packed[1].session();
        opened.weightCacheOutcome = packed[1] == null ? packed[0].outcome()
                : ModelCache.Outcome.of(packed[0].outcome(), packed[1].outcome());
        return opened;
    }

    private static Map<String, OnnxTensorLike> only(Map<String, OnnxTensorLike> all, java.util.function.Predicate<String> wanted) {
        Map<String, OnnxTensorLike> out = new LinkedHashMap<>();
        all.forEach((name, value) -> {
            if (wanted.test(name)) {
                out.put(name, value);
            }
        });
        return out;
    }

    /** {@link #FP32_PREPACKING_PROPERTY}: unset or {@code true} prepacks; {@code false} does not; anything else is refused. */
    static boolean fp32Prepacking() {
        return switchProperty(FP32_PREPACKING_PROPERTY);
    }

    /**
     * An on/off system property of the engine that is on unless set: {@code true} or {@code false}
     * (any case), anything else refused with the property's name, so a typo is never read as off.
     */
    static boolean switchProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.strip().equalsIgnoreCase("true")) {
            return true;
        }
        if (value.strip().equalsIgnoreCase("false")) {
            return false;
        }
        throw new BackendException("System property " + name + "=" + value + " is neither true nor false.");
    }

    /**
     * This CPU's feature flags as {@code /proc/cpuinfo} lists them (its {@code flags} line, or
     * {@code Features} on ARM); empty where there is no {@code /proc} (macOS, Windows).
     */
    // declared before RELEASE_PACKED_CODES, which reads it when the class initializes
    static final String CPU_FLAGS = readCpuFlags();

    private static String readCpuFlags() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("flags") || lower.startsWith("features")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no /proc: no flags
        }
        return "";
    }

    /**
     * Whether the 4-bit codes may be unmapped once the session exists. Only where MatMulNBits is
     * known to prepack them (ONNX Runtime's MLAS has 4-bit kernels for x86-64 with AVX2 and for
     * 64-bit ARM): elsewhere it would multiply from the original codes on every run, so they stay
     * mapped. The check reads {@code /proc/cpuinfo}; where that is missing, the codes stay.
     */
    static final boolean RELEASE_PACKED_CODES = packsCodes();

    private static boolean packsCodes() {
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("aarch64")) {
            return true;
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return false;
        }
        return Arrays.asList(CPU_FLAGS.split("\\s+")).contains("avx2");
    }


    /**
     * System property: {@code false} keeps the CPU step decoder in one session instead of two (the
     * first layers, and the rest with the output head, created in parallel); default {@code true}.
     */
    static final String SPLIT_PROPERTY = "autoj.onnx.splitSessions";

    /**
     * System property: {@code false} keeps fp32 weights unpacked (lean memory, fast start, slower
     * prefill and batched decoding); default {@code true}, ONNX Runtime's prepacking.
     */
    static final String FP32_PREPACKING_PROPERTY = "autoj.onnx.fp32Prepacking";

    /** System property: the CUDA arena's limit in bytes ({@code gpu_mem_limit}); unset means ONNX Runtime's default (no limit). */
    static final String CUDA_MEMORY_LIMIT_PROPERTY = "autoj.onnx.cudaMemoryLimit";

    /**
     * What happens when ONNX Runtime cannot use CUDA, for the native and the exported decoders alike:
     * with {@code device=cuda} an error saying what CUDA needs; with {@code auto} one warning, and the
     * caller goes on to the CPU.
     */
    static void cudaUnavailable(Device requested, String model, Throwable e) {
        String reason = firstLine(e.getMessage());
        if (requested == Device.CUDA) {
            throw new BackendException("Device cuda was requested for " + model + " but ONNX Runtime could not use CUDA: "
                    + reason + ". CUDA needs an NVIDIA GPU with its driver, the CUDA 12 and cuDNN 9 libraries on the library"
                    + " path, and the GPU build of ONNX Runtime: exclude com.microsoft.onnxruntime:onnxruntime from"
                    + " dev.autoj:autoj-onnx and add com.microsoft.onnxruntime:onnxruntime_gpu (docs/onnx-backend.md). Use"
                    + " device cpu or auto to run without it.", e);
        }
        LOG.log(System.Logger.Level.WARNING, "autoj onnx: CUDA unavailable (" + reason + "); running " + model + " on the CPU");
    }

    /**
     * CUDA provider options chosen for a 13B decoder: the arena grows by what is requested rather
     * than in powers of two ({@code kSameAsRequested}; the default doubling can reserve twice the
     * ~40 GB that fp16 weights, a batch-8 cache and a prefill need), and an optional memory limit
     * for sharing a GPU.
     */
    static OrtCUDAProviderOptions cudaOptions() throws OrtException {
        OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(0);
        try {
            cuda.add("arena_extend_strategy", "kSameAsRequested");
            String limit = System.getProperty(CUDA_MEMORY_LIMIT_PROPERTY);
            if (limit != null && !limit.isBlank()) {
                long bytes;
                try {
                    bytes = Long.parseLong(limit.strip());
                } catch (NumberFormatException e) {
                    throw new BackendException("System property " + CUDA_MEMORY_LIMIT_PROPERTY + " is \"" + limit
                            + "\"; give the CUDA memory limit as a number of bytes, e.g. 20000000000.", e);
                }
                cuda.add("gpu_mem_limit", Long.toString(bytes));
            }
            return cuda;
        } catch (OrtException | RuntimeException e) {
            cuda.close();
            throw e;
        }
    }

    /** The session's weights as the graph reads them, by initializer name; every tensor made is added to {@code tensors}. */
    private static Map<String, OnnxTensorLike> initializers(OrtEnvironment env, ModelConfig config, Checkpoint checkpoint,
            Dtype dtype, LlamaGraph.Int4 int4, QuantizedWeights quantized, boolean fp16Compute, List<OnnxTensor> tensors)
            throws OrtException {
        Map<String, OnnxTensorLike> initializers = new LinkedHashMap<>();
        OnnxJavaType full = fp16Compute ? OnnxJavaType.FLOAT16 : OnnxJavaType.FLOAT;
        if (dtype == Dtype.INT4) {
            for (LlamaGraph.Weight w : LlamaGraph.unquantizedWeights(config, int4)) {
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
            for (LlamaGraph.Weight w : LlamaGraph.quantizedWeights(config, int4)) {
                QuantizedLinear q = checked(quantized.linear(w.name(), w.shape()), w, int4, checkpoint);
                long blocks = q.blocksPerRow();
                put(env, initializers, tensors, w.name() + LlamaGraph.Q4, q.packed(),
                        new long[] {q.outFeatures(), blocks, q.blockSize() / 2}, OnnxJavaType.UINT8);
                put(env, initializers, tensors, w.name() + LlamaGraph.SCALES, fp16Compute ? halves(q.scales()) : q.scales(),
                        new long[] {q.outFeatures() * blocks}, full);
                if (int4.zeroPoints()) {
                    put(env, initializers, tensors, w.name() + LlamaGraph.ZERO_POINTS, q.zeroPoints(),
                            new long[] {q.zeroPoints().capacity()}, OnnxJavaType.UINT8);
                }
            }
        } else {
            for (LlamaGraph.Weight w : LlamaGraph.weights(config)) {
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

    /** fp32 values (native order) as fp16, for MatMulNBits scales in an fp16 graph. */
    private static ByteBuffer halves(ByteBuffer floats) {
        ByteBuffer in = floats.duplicate().order(ByteOrder.nativeOrder());
        int n = in.capacity() / 4;
        ByteBuffer out = ByteBuffer.allocateDirect(n * 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            out.putShort(i * 2, Halfs.floatToHalf(in.getFloat(i * 4)));
        }
        return out;
    }

    /** The weight as the graph was built for it, or a clear error naming what differs. */
    private static QuantizedLinear checked(QuantizedLinear q, LlamaGraph.Weight w, LlamaGraph.Int4 int4, Checkpoint checkpoint) {
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

    private static void put(OrtEnvironment env, Map<String, OnnxTensorLike> initializers, List<OnnxTensor> tensors,
            String name, ByteBuffer data, long[] shape, OnnxJavaType type) throws OrtException {
        OnnxTensor tensor = OnnxTensor.createTensor(env, data, shape, type);
        tensors.add(tensor);
        initializers.put(name, tensor);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        String line = message.strip().lines().findFirst().orElse("no message");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** Where the session actually runs: CUDA or CPU (never AUTO). */
    Device device() {
        return device;
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
     * Runs {@code ids} after what {@code cache} holds and appends them to it (one sequence).
     *
     * @param allPositions logits for every new position, or only for the last one
     * @return one row of vocabulary logits per requested position
     */
    float[][] forward(KvCache cache, int[] ids, boolean allPositions) {
        boolean[] real = new boolean[ids.length];
        Arrays.fill(real, true);
        return forward(cache, new int[][] {ids}, new boolean[][] {real}, allPositions)[0];
    }

    /**
     * Runs one step for a batch: {@code ids[b]} (all rows the same length) after what
     * {@code cache} holds for row {@code b}. Tokens whose {@code real} flag is false (left
     * padding of a shorter prompt, the filler of a finished sequence) are computed but hidden from
     * every query, and take no position: a row's positions count its real tokens only, so a
     * padded row sees exactly what it would see alone.
     *
     * @return per row, one row of vocabulary logits per requested position
     */
    float[][][] forward(KvCache cache, int[][] ids, boolean[][] real, boolean allPositions) {
        if (graph.generation()) {
            throw new IllegalStateException("this session runs the generation graph (route LOOP); per-token steps and "
                    + "logits need the step decoder (route STEP)");
        }
        int batch = ids.length;
        int past = cache.length;
        int seq = ids[0].length;
        int total = past + seq;
        if (seq == 0) {
            throw new IllegalArgumentException("no tokens to run");
        }
        if (cache.batch >= 0 && cache.batch != batch) {
            throw new IllegalArgumentException("cache holds " + cache.batch + " sequences, step has " + batch);
        }
        if (cache.batch < 0) {
            cache.batch = batch;
            cache.valid = new boolean[batch][0];
            cache.realTokens = new int[batch];
        }
        for (int b = 0; b < batch; b++) {
            if (cache.realTokens[b] + count(real[b]) > config.contextWindow()) {
                throw new BackendException("The sequence would reach " + (cache.realTokens[b] + count(real[b]))
                        + " tokens, more than the model's context window of " + config.contextWindow() + ".");
            }
        }
        Map<String, OnnxTensor> owned = new HashMap<>();
        try {
            long[] idArray = new long[batch * seq];
            long[] positions = new long[batch * seq];
            boolean[][] valid = new boolean[batch][];
            int[] realAfter = cache.realTokens.clone();
            for (int b = 0; b < batch; b++) {
                valid[b] = Arrays.copyOf(cache.valid[b], total);
                for (int i = 0; i < seq; i++) {
                    idArray[b * seq + i] = ids[b][i];
                    positions[b * seq + i] = realAfter[b];
                    if (real[b][i]) {
                        realAfter[b]++;
                        valid[b][past + i] = true;
                    }
                }
            }
            float[] bias = new float[batch * seq * total];
            Arrays.fill(bias, MASKED);
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < seq; i++) {
                    int row = (b * seq + i) * total;
                    for (int j = 0; j <= past + i; j++) {
                        if (valid[b][j]) {
                            bias[row + j] = 0;
                        }
                    }
                }
            }
            long[] wanted = allPositions ? java.util.stream.LongStream.range(0, seq).toArray() : new long[] {seq - 1};
            owned.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(idArray), new long[] {batch, seq}));
            owned.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {batch, seq}));
            owned.put("attention_bias", OnnxTensor.createTensor(env, FloatBuffer.wrap(bias), new long[] {batch, 1, seq, total}));
            owned.put("logits_positions", OnnxTensor.createTensor(env, LongBuffer.wrap(wanted), new long[] {wanted.length}));
            Map<String, OnnxTensorLike> inputs = new HashMap<>(owned);
            long[] emptyShape = {batch, config.numKvHeads(), 0, config.headDim()};
            for (int l = 0; l < config.numLayers(); l++) {
                for (String kind : new String[] {"key", "value"}) {
                    String name = "past_" + kind + "." + l;
                    OnnxTensor previous = cache.past("present_" + kind + "." + l);
                    if (previous == null) {
                        OnnxTensor empty = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), emptyShape);
                        owned.put(name, empty);
                        inputs.put(name, empty);
                    } else {
                        inputs.put(name, previous);
                    }
                }
            }
            List<OrtSession.Result> results = new ArrayList<>(2);
            float[][][] logits;
            try {
                if (tail == null) {
                    results.add(session.run(inputs));
                } else {
                    // the first layers, then the rest and the head on their hidden states
                    OrtSession.Result front = session.run(only(inputs, session.getInputNames()::contains));
                    results.add(front);
                    Map<String, OnnxTensorLike> rest = only(inputs, tail.getInputNames()::contains);
                    rest.put("hidden_in", (OnnxTensor) front.get("hidden_out").orElseThrow());
                    results.add(tail.run(rest));
                }
                logits = logits(results.get(results.size() - 1).get("logits").orElseThrow(), batch, wanted.length);
            } catch (RuntimeException | OrtException e) {
                results.forEach(OrtSession.Result::close);
                throw e;
            }
            cache.close();
            cache.last = results;
            cache.length = total;
            cache.valid = valid;
            cache.realTokens = realAfter;
            return logits;
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime failed on a step of " + batch + " x " + seq + " tokens after " + past
                    + ": " + e.getMessage(), e);
        } finally {
            owned.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Generates greedily for a batch in one run of the generation graph: prompts left-padded to
     * the longest, each row allowed {@code budgets[b]} tokens.
     *
     * @return per row, the token chosen at every step the run made (at most {@code max(budgets)});
     *     a row's tokens after its first EOS or beyond its budget are filler the caller drops
     */
    int[][] generate(int[][] prompts, int[] budgets) {
        if (!graph.generation()) {
            throw new IllegalStateException("this session runs the step decoder; generate needs the generation graph");
        }
        int batch = prompts.length;
        int longest = 0;
        for (int b = 0; b < batch; b++) {
            longest = Math.max(longest, prompts[b].length);
            if (budgets[b] < 1 || (long) prompts[b].length + budgets[b] > config.contextWindow()) {
                throw new BackendException("Prompt " + (b + 1) + " of " + batch + " has " + prompts[b].length
                        + " tokens and a budget of " + budgets[b] + "; the budget must be at least 1 and both together"
                        + " must fit the model's context window of " + config.contextWindow() + ".");
            }
        }
        long[] ids = new long[batch * longest];
        long[] mask = new long[batch * longest];
        long[] limits = new long[batch];
        for (int b = 0; b < batch; b++) {
            int offset = longest - prompts[b].length;
            for (int i = 0; i < prompts[b].length; i++) {
                ids[b * longest + offset + i] = prompts[b][i];
                mask[b * longest + offset + i] = 1;
            }
            limits[b] = budgets[b];
        }
        try (OnnxTensor idTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {batch, longest});
                OnnxTensor maskTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {batch, longest});
                OnnxTensor budgetTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(limits), new long[] {batch});
                OrtSession.Result result = session.run(Map.of("input_ids", idTensor, "prompt_mask", maskTensor,
                        "budgets", budgetTensor), java.util.Set.of("tokens"))) {
            OnnxTensor tokens = (OnnxTensor) result.get("tokens").orElseThrow();
            long[] shape = tokens.getInfo().getShape();
            int steps = Math.toIntExact(shape[0]);
            LongBuffer values = tokens.getLongBuffer();
            int[][] out = new int[batch][steps];
            for (int t = 0; t < steps; t++) {
                for (int b = 0; b < batch; b++) {
                    out[b][t] = Math.toIntExact(values.get(t * batch + b));
                }
            }
            return out;
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime failed generating a batch of " + batch + " prompts (longest " + longest
                    + " tokens, up to " + java.util.Arrays.stream(budgets).max().orElse(0) + " new tokens) in one run: "
                    + e.getMessage(), e);
        }
    }

    private static int count(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }

    private float[][][] logits(OnnxValue value, int batch, int rows) {
        FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
        int vocab = config.vocabSize();
        float[][][] out = new float[batch][rows][vocab];
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                buffer.get(out[b][r]);
            }
        }
        return out;
    }

    /** The tensor's values as fp32 in a direct buffer: its own bytes when it already is fp32 (no copy). */
    static ByteBuffer asFloat32(Tensor tensor) {
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
            if (tail != null) {
                tail.close();
            }
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime could not close the decoder session: " + e.getMessage(), e);
        } finally {
            weights.forEach(OnnxTensor::close);
        }
    }
}
