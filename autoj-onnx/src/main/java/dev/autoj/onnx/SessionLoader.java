package dev.autoj.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.QuantizedWeights;
import dev.autoj.onnx.internal.graph.LlamaGraph;
import dev.autoj.onnx.internal.graph.LlamaWeights;
import dev.autoj.onnx.internal.graph.OnnxGraph;
import dev.autoj.onnx.internal.runtime.OrtRuntime;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Opens a {@link DecoderSession}: CUDA first unless the device is the CPU ({@link CudaProvider}),
 * else the CPU from the packed fp32 session ({@link PackedSessionCache}), the 4-bit weight cache
 * ({@link WeightCache}) or the checkpoint ({@link Initializers}), as one session or as several
 * (a split decoder's parts) created two at a time. Runs on a thread of its own with a large stack.
 */
final class SessionLoader {

    /**
     * Stack of the thread that creates the ONNX Runtime environment and sessions. Native code
     * there recurses to a depth that grows with the length of the process's command line: with
     * a 512-token {@code --prompt-ids} list it overflowed Java's default 1 MB stack and the JVM
     * died with SIGSEGV (no Java exception, no error file). Only touched pages are committed, so
     * a generous reservation costs address space, not memory.
     */
    static final long LOADER_STACK_BYTES = 256L << 20;

    private SessionLoader() {
    }

    /**
     * Opens a session on {@code device} (see {@link DecoderSession#open}); with {@code weightCacheDir}
     * (4-bit weights quantized on load, in order, CPU only) the weights come from {@link WeightCache},
     * mapped, and are written there first when missing.
     */
    static DecoderSession open(ModelConfig config, Checkpoint checkpoint, Dtype dtype, LlamaGraph.Int4 int4,
            QuantizedWeights quantized, Device device, Function<Device, DecoderSession.Graph> graphs, Path weightCacheDir) {
        return onBigStack(() -> load(config, checkpoint, dtype, int4, quantized, device, graphs, weightCacheDir));
    }

    private static DecoderSession load(ModelConfig config, Checkpoint checkpoint, Dtype dtype,
            LlamaGraph.Int4 int4, QuantizedWeights quantized, Device device, Function<Device, DecoderSession.Graph> graphs,
            Path weightCacheDir) {
        long runtimeStart = System.nanoTime();
        OrtEnvironment env = OrtRuntime.environment();
        long runtimeNanos = System.nanoTime() - runtimeStart;
        if (device != Device.CPU) {
            List<OnnxTensor> tensors = new ArrayList<>();
            try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions();
                    OrtCUDAProviderOptions cuda = CudaProvider.options()) {
                // adding the provider first fails fast (CPU build) before the CUDA graph and its weights are prepared
                options.addCUDA(cuda);
                DecoderSession.Graph graph = graphs.apply(Device.CUDA);
                Weights weights = weights(env, config, checkpoint, dtype, int4, quantized, graph.fp16Compute(), weightCacheDir,
                        tensors);
                OrtSession session = handOver(env, options, graph, weights.initializers(), tensors);
                return new DecoderSession(env, List.of(session), List.of(), config, Device.CUDA, graph, null, weights.outcome());
            } catch (RuntimeException e) {
                // the checkpoint, the cache or the weights failed, not CUDA: no point trying the CPU
                tensors.forEach(OnnxTensor::close);
                throw e;
            } catch (OrtException | LinkageError e) {
                tensors.forEach(OnnxTensor::close);
                CudaProvider.unavailable(device, checkpoint.dir().getFileName().toString(), e);
            }
        }
        long start = System.nanoTime();
        DecoderSession.Graph graph = graphs.apply(Device.CPU);
        long graphDone = System.nanoTime();
        // read once: whether fp32 weights are prepacked decides both the cache and the session options
        boolean prepacking = dtype == Dtype.FP32 && EngineSwitches.fp32Prepacking();
        if (weightCacheDir != null && dtype == Dtype.FP32 && !graph.generation() && prepacking
                && PackedSessionCache.enabled()) {
            Packed packed = openPacked(env, config, checkpoint, int4, quantized, graph, weightCacheDir);
            if (packed != null) {
                return new DecoderSession(env, packed.back() == null ? List.of(packed.front()) : List.of(packed.front(), packed.back()),
                        List.of(), config, Device.CPU, graph,
                        new DecoderSession.Startup(runtimeNanos, graphDone - start, 0, System.nanoTime() - graphDone),
                        packed.outcome());
            }
        }
        if (graph.fp16Compute()) {
            // the CUDA graph on the CPU provider (how the GPU path is proven without a GPU): its
            // weights go to the session exactly as on CUDA, handed over once and not kept
            List<OnnxTensor> tensors = new ArrayList<>();
            try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions()) {
                Weights weights = weights(env, config, checkpoint, dtype, int4, quantized, true, weightCacheDir, tensors);
                long weightsDone = System.nanoTime();
                OrtSession session = handOver(env, options, graph, weights.initializers(), tensors);
                long sessionDone = System.nanoTime();
                return new DecoderSession(env, List.of(session), List.of(), config, Device.CPU, graph,
                        new DecoderSession.Startup(runtimeNanos, graphDone - start, weightsDone - graphDone,
                                sessionDone - weightsDone), weights.outcome());
            } catch (OrtException e) {
                throw new BackendException("ONNX Runtime could not load the decoder built from " + checkpoint.dir()
                        + " (" + graph.file() + "): " + e.getMessage(), e);
            } finally {
                Initializers.release(tensors);
            }
        }
        List<OnnxTensor> tensors = new ArrayList<>();
        try {
            Weights weights = weights(env, config, checkpoint, dtype, int4, quantized, false, weightCacheDir, tensors);
            WeightCache.Mapped cached = weights.cached();
            Map<String, OnnxTensorLike> initializers = weights.initializers();
            long weightsDone = System.nanoTime();
            List<OrtSession> sessions = new ArrayList<>();
            try {
                if (graph.files().size() == 1) {
                    sessions.add(createCpuSession(env, graph.file(), dtype, prepacking, initializers));
                } else {
                    createParts(env, config, dtype, int4, prepacking, graph, initializers, cached, sessions);
                }
            } catch (OrtException | RuntimeException e) {
                sessions.forEach(SessionLoader::closeQuietly);
                throw e;
            }
            long sessionDone = System.nanoTime();
            if (cached != null && EngineSwitches.RELEASE_PACKED_CODES) {
                // MatMulNBits has copied the codes into its own packed layout and ONNX Runtime no longer
                // reads them (Int4CacheTest proves it); unmapping them drops the second copy now
                // (those of a split decoder's parts were unmapped part by part already)
                for (MappedByteBuffer codes : cached.releasable()) {
                    WeightCache.release(codes);
                }
            } else if (dtype == Dtype.INT4 && EngineSwitches.RELEASE_PACKED_CODES) {
                // 4-bit codes made in memory (a GPTQ folder, repacked at every start): the same holds,
                // so our copy goes too (GptqBackendTest decodes after it)
                initializers.forEach((name, tensor) -> {
                    boolean packedBeside = EngineSwitches.scalesPacked(int4)
                            && (name.endsWith(LlamaGraph.SCALES) || name.endsWith(LlamaGraph.ZERO_POINTS));
                    if (name.endsWith(LlamaGraph.Q4) || packedBeside) {
                        Initializers.freeBacking(tensor);
                    }
                });
            }
            return new DecoderSession(env, sessions, tensors, config, Device.CPU, graph,
                    new DecoderSession.Startup(runtimeNanos, graphDone - start, weightsDone - graphDone, sessionDone - weightsDone),
                    cached == null ? null : cached.outcome());
        } catch (OrtException e) {
            tensors.forEach(OnnxTensor::close);
            throw new BackendException("ONNX Runtime could not load the decoder built from " + checkpoint.dir()
                    + " (" + graph.file() + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            tensors.forEach(OnnxTensor::close);
            throw e;
        }
    }

    /** A session's weights by initializer name, and the weight cache's entry they are mapped from (null: made in memory). */
    private record Weights(Map<String, OnnxTensorLike> initializers, WeightCache.Mapped cached) {

        ModelCache.Outcome outcome() {
            return cached == null ? null : cached.outcome();
        }
    }

    /**
     * The session's weights: 4-bit weights quantized on load come from the weight cache in
     * {@code weightCacheDir} (written there first, one tensor at a time, when missing), mapped, in
     * the fp32 or ({@code fp16}) the fp16 layout; anything else ({@code weightCacheDir} null, fp32
     * or fp16 weights, an act-order layout) is converted in memory by {@link Initializers#of}.
     * Every tensor made is added to {@code tensors}.
     */
    private static Weights weights(OrtEnvironment env, ModelConfig config, Checkpoint checkpoint, Dtype dtype,
            LlamaGraph.Int4 int4, QuantizedWeights quantized, boolean fp16, Path weightCacheDir, List<OnnxTensor> tensors)
            throws OrtException {
        if (weightCacheDir == null || dtype != Dtype.INT4 || !int4.inputOrders().isEmpty()) {
            return new Weights(Initializers.of(env, config, checkpoint, dtype, int4, quantized, fp16, tensors), null);
        }
        WeightCache.Mapped cached = WeightCache.load(weightCacheDir, config, checkpoint, int4, quantized, fp16);
        Map<String, OnnxTensorLike> initializers = new LinkedHashMap<>();
        for (WeightCache.Slot slot : cached.slots().values()) {
            Initializers.put(env, initializers, tensors, slot.name(), cached.buffers().get(slot.name()), slot.shape(),
                    slot.type());
        }
        return new Weights(initializers, cached);
    }

    /**
     * A session on the single-file {@code graph} whose weights are handed over as external
     * initializers: ONNX Runtime copies them into the graph as it loads it (and, on CUDA, to the
     * device) and then needs no host buffer of ours, so every tensor in {@code tensors} is closed
     * and its buffer freed (converted copies) or unmapped (checkpoint ranges) as soon as the session
     * exists, or fails to: the weights are handed over once and no host copy is kept.
     */
    private static OrtSession handOver(OrtEnvironment env, OrtSession.SessionOptions options, DecoderSession.Graph graph,
            Map<String, OnnxTensorLike> initializers, List<OnnxTensor> tensors) throws OrtException {
        try {
            options.addExternalInitializers(initializers);
            return env.createSession(graph.file().toString(), options);
        } finally {
            Initializers.release(tensors);
        }
    }

    /**
     * The sessions of a split decoder's parts, in order, into {@code sessions}: two at a time in
     * parallel (ONNX Runtime packs a session's weights on the thread that creates it). With
     * weights mapped from the 4-bit cache, each pair's codes are unmapped as soon as its sessions
     * hold their packed copies, before the next pair starts: the packed weights grow while the
     * mapped codes resident beside them stay at two parts' worth. The last part, which holds the
     * output head (at fp32, as large as two 13B parts' codes, and packed beside its mapped bytes),
     * is created first, with the first part ({@link #creationOrder}): its extra weight then falls
     * while little else is resident, not at the end on top of every packed part.
     */
    private static void createParts(OrtEnvironment env, ModelConfig config, Dtype dtype, LlamaGraph.Int4 int4, boolean prepacking,
            DecoderSession.Graph graph, Map<String, OnnxTensorLike> initializers, WeightCache.Mapped cached,
            List<OrtSession> sessions) throws OrtException {
        LlamaGraph.Int4 layout = dtype == Dtype.INT4 ? int4 : null;
        List<LlamaGraph.Span> spans = graph.spans(config);
        OrtSession[] created = new OrtSession[spans.size()];
        List<Integer> order = creationOrder(spans.size());
        try {
            for (int k = 0; k < order.size(); k += 2) {
                int first = order.get(k);
                Map<String, OnnxTensorLike> own = Initializers.only(initializers,
                        name -> LlamaWeights.inSpan(config, layout, spans.get(first), name));
                Path firstFile = graph.files().get(first);
                if (k + 1 == order.size()) {
                    created[first] = createCpuSession(env, firstFile, dtype, prepacking, own);
                } else {
                    int second = order.get(k + 1);
                    Map<String, OnnxTensorLike> next = Initializers.only(initializers,
                            name -> LlamaWeights.inSpan(config, layout, spans.get(second), name));
                    Path secondFile = graph.files().get(second);
                    OrtSession[] pair = inParallel(() -> createCpuSession(env, firstFile, dtype, prepacking, own),
                            () -> createCpuSession(env, secondFile, dtype, prepacking, next));
                    created[first] = pair[0];
                    created[second] = pair[1];
                }
                if (cached != null && EngineSwitches.RELEASE_PACKED_CODES) {
                    for (int j : order.subList(k, Math.min(k + 2, order.size()))) {
                        LlamaGraph.Span span = spans.get(j);
                        cached.slots().values().stream()
                                .filter(slot -> slot.packedByOrt() && LlamaWeights.inSpan(config, layout, span, slot.name()))
                                .forEach(slot -> cached.release(slot.name()));
                    }
                }
            }
        } finally {
            // in span order, so that the caller runs them in order and closes every one that exists
            for (OrtSession session : created) {
                if (session != null) {
                    sessions.add(session);
                }
            }
        }
    }

    /** The order parts are created in: the last (with the head) and the first, then the rest in order. */
    static List<Integer> creationOrder(int parts) {
        List<Integer> order = new ArrayList<>(List.of(parts - 1));
        for (int i = 0; i < parts - 1; i++) {
            order.add(i);
        }
        return order;
    }

    /**
     * A CPU session on {@code file} with {@code initializers}, as {@link #load} configures it;
     * {@code prepacking} is false only for fp32 weights that are to stay where they lie.
     */
    private static OrtSession createCpuSession(OrtEnvironment env, Path file, Dtype dtype, boolean prepacking,
            Map<String, OnnxTensorLike> initializers) throws OrtException {
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions()) {
            if (dtype == Dtype.FP32 && !prepacking) {
                // Gemm's prepacking copies every fp32 weight into MLAS' panel layout: a second copy of
                // the model in memory and about a second of start-up on the 1.1 GB bench model. Without
                // it Gemm reads the mapped checkpoint where it lies, at the same batch-1 decoding speed
                // but about a third slower at batch 8 and slower prefill (measured: docs/onnx-backend.md
                // "Speed and memory"), so it is the user's choice, not the default.
                options.addConfigEntry("session.disable_prepacking", "1");
            }
            // a split decoder runs its sessions one after the other: none may keep spinning after its run
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
        CompletableFuture<OrtSession> background = new CompletableFuture<>();
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
            background.thenAccept(SessionLoader::closeQuietly);
            throw e;
        }
        try {
            return new OrtSession[] {background.join(), other};
        } catch (CompletionException e) {
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

    /** Which initializers the session of part {@code part} of a split decoder takes. */
    private static Predicate<String> part(ModelConfig config, LlamaGraph.Int4 layout, DecoderSession.Graph graph, int part) {
        LlamaGraph.Span span = graph.spans(config).get(part);
        return name -> LlamaWeights.inSpan(config, layout, span, name);
    }

    /** The sessions of a packed fp32 decoder ({@code back} null unless split) and how the cache served them. */
    private record Packed(OrtSession front, OrtSession back, ModelCache.Outcome outcome) {
    }

    /**
     * The fp32 step decoder from {@link PackedSessionCache}, written first when missing; {@code null}
     * when the cache cannot be written (the caller starts without it). The weights are handed over
     * only to write the entry, and released once it is written.
     */
    private static Packed openPacked(OrtEnvironment env, ModelConfig config, Checkpoint checkpoint,
            LlamaGraph.Int4 int4, QuantizedWeights quantized, DecoderSession.Graph graph, Path cacheDir) {
        List<OnnxTensor> made = Collections.synchronizedList(new ArrayList<>());
        if (graph.files().size() > 2) {
            throw new IllegalStateException("the packed fp32 cache keeps one or two sessions, not " + graph.files().size());
        }
        boolean split = graph.files().size() == 2;
        Predicate<String> front = split ? part(config, null, graph, 0) : name -> true;
        Predicate<String> back = split ? part(config, null, graph, 1) : name -> false;
        long frontBytes = 0;
        long backBytes = 0;
        for (LlamaWeights.Weight w : LlamaWeights.weights(config)) {
            long bytes = 4 * WeightCache.elements(w.shape());
            frontBytes += front.test(w.name()) ? bytes : 0;
            backBytes += back.test(w.name()) ? bytes : 0;
        }
        long frontWeightBytes = frontBytes;
        long backWeightBytes = backBytes;
        PackedSessionCache.Weights all = () -> Initializers.of(env, config, checkpoint, Dtype.FP32, int4, quantized, false, made);
        PackedSessionCache.Opened[] packed = new PackedSessionCache.Opened[2];
        try {
            if (!split) {
                packed[0] = PackedSessionCache.open(env, cacheDir, graph.file(), frontWeightBytes, all);
            } else {
                OrtSession[] sessions = inParallel(
                        () -> {
                            packed[0] = PackedSessionCache.open(env, cacheDir, graph.file(), frontWeightBytes,
                                    () -> Initializers.only(all.get(), front));
                            return packed[0] == null ? null : packed[0].session();
                        },
                        () -> {
                            packed[1] = PackedSessionCache.open(env, cacheDir, graph.files().get(1), backWeightBytes,
                                    () -> Initializers.only(all.get(), back));
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
        return new Packed(packed[0].session(), packed[1] == null ? null : packed[1].session(),
                packed[1] == null ? packed[0].outcome() : ModelCache.Outcome.of(packed[0].outcome(), packed[1].outcome()));
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
}
