package dev.autoj.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The key/value cache of a batch of sequences on the host, in buffers of a fixed capacity that the
 * step graph reads in place ({@code cache_key.L} and {@code cache_value.L}: [batch, kv_heads,
 * capacity, head_dim]); each step's own keys
 * and values are appended to them ({@link #append}), so no step copies the cache. Also which slots
 * hold real tokens (padding and filler are masked out of attention). {@link StepDecoder} fills it;
 * {@link #merge} and {@link #compact} reshape it between steps.
 *
 * <p>The capacity is what the caller expects the sequences to reach (prompt and budget); a step
 * beyond it grows the buffers once (to at least twice). The buffers are direct memory, so the
 * JVM's {@code -XX:MaxDirectMemorySize} bounds them; {@link #bytesPerSlot} says what a slot costs.
 */
final class KvCache implements AutoCloseable {

    private final OrtEnvironment env;
    private final ModelConfig config;
    /** Slots to allocate for when the first step comes (at least what that step needs). */
    private final int capacityHint;
    /** The buffers and the tensors over them; of capacity 0 before the first step. */
    private Buffers buffers = Buffers.EMPTY;
    /** Where ONNX Runtime writes each step's keys and values ({@link #stepOutputs}). */
    private Staging staging = Staging.EMPTY;
    private int length;
    private int batch = -1;
    private boolean[][] valid = new boolean[0][];
    private int[] realTokens = new int[0];

    KvCache(OrtEnvironment env, ModelConfig config, int capacityHint) {
        this.env = env;
        this.config = config;
        this.capacityHint = capacityHint;
    }

    /** Bytes of host memory one slot of one sequence takes: a key and a value per layer and key/value head. */
    static long bytesPerSlot(ModelConfig config) {
        return 2L * config.numLayers() * config.numKvHeads() * config.headDim() * Float.BYTES;
    }

    int length() {
        return length;
    }

    /** Slots the buffers hold (filled or not); 0 before the first step. */
    int capacity() {
        return buffers.capacity();
    }

    /** Sequences in the cache; -1 before the first step. */
    int batch() {
        return batch;
    }

    /** Which of row {@code b}'s slots hold real tokens. */
    boolean[] valid(int b) {
        return valid[b];
    }

    /** Real tokens per row (padding and filler not counted): the next position of each row. */
    int[] realTokens() {
        return realTokens;
    }

    /** Before the first step: the cache will hold {@code rows} sequences. */
    void start(int rows) {
        batch = rows;
        valid = new boolean[rows][0];
        realTokens = new int[rows];
    }

    /** Makes room for {@code slots} slots in all, growing the buffers (a copy of the filled slots) if needed. */
    void reserve(int slots) {
        int capacity = buffers.capacity();
        if (slots <= capacity) {
            return;
        }
        int target = capacity == 0 ? Math.max(slots, capacityHint) : Math.max(slots, 2 * capacity);
        target = Math.min(target, Math.max(slots, config.contextWindow()));
        Buffers grown = Buffers.allocate(env, config, batch, target);
        copyRows(grown, identity(batch), identity(batch), length, 0);
        replace(grown);
    }

    /** The cache's key buffer of {@code layer} as the graph input {@code cache_key.L}. */
    OnnxTensor keyInput(int layer) {
        return buffers.keyTensors()[layer];
    }

    /** The cache's value buffer of {@code layer} as the graph input {@code cache_value.L}. */
    OnnxTensor valueInput(int layer) {
        return buffers.valueTensors()[layer];
    }

    /**
     * The step graph's outputs {@code new_key.L} and {@code new_value.L}
     * ([batch, kv, seq, d]) of a step of {@code seq} tokens, as tensors over direct buffers this
     * cache owns, for {@code OrtSession.run} to write into (pinned outputs): the step's keys and
     * values go from ONNX Runtime straight into memory {@link #append} copies into the slots, with
     * no copy on the Java heap. (Copying them out through the heap cost a 128-token prefill of the
     * 1G bench model about 30 ms in freshly allocated 1 MB arrays, a quarter of the prefill.) The
     * buffers are kept for the next step and grow only when a step needs more.
     */
    java.util.Map<String, OnnxTensor> stepOutputs(int seq) {
        if (staging.batch() != batch || staging.seq() != seq) {
            staging = staging.resized(env, config, batch, seq);
        }
        return staging.tensors();
    }

    /**
     * After a step of {@code seq} tokens whose keys and values ONNX Runtime wrote into
     * {@link #stepOutputs}: copies them into the slots after the filled ones, which
     * {@link #reserve} made room for; the cache is then {@code length + seq} slots long.
     */
    void append(int seq, boolean[][] validAfter, int[] realAfter) {
        if (staging.batch() != batch || staging.seq() != seq) {
            throw new IllegalStateException("the step's keys and values were not written for " + batch + " x " + seq);
        }
        int kv = config.numKvHeads();
        int d = config.headDim();
        int capacity = buffers.capacity();
        for (int l = 0; l < config.numLayers(); l++) {
            FloatBuffer keys = staging.keys()[l];
            FloatBuffer values = staging.values()[l];
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < kv; h++) {
                    // each head's [seq, d] block goes after its filled slots
                    int from = (b * kv + h) * seq * d;
                    int to = ((b * kv + h) * capacity + length) * d;
                    buffers.keys()[l].put(to, keys, from, seq * d);
                    buffers.values()[l].put(to, values, from, seq * d);
                }
            }
        }
        length += seq;
        valid = validAfter;
        realTokens = realAfter;
    }

    /**
     * An empty cache for a batch of {@code rows} sequences, the longest prompt {@code longest}
     * tokens, room for {@code capacity} slots; {@link #putRow} fills each row from a
     * single-sequence cache after its own prefill, left-padded to the longest: the padding slots
     * hold zeros and are marked invalid, so they are masked from every later query. Prefilling one
     * prompt at a time keeps the attention scores of a prefill at one sequence's size (they grow
     * with the square of the prompt length), gives every sequence exactly its single-run prefill,
     * and holds one prompt's cache beside the batch's.
     */
    static KvCache forBatch(KvCache empty, int rows, int longest, int capacity) {
        KvCache cache = new KvCache(empty.env, empty.config, capacity);
        cache.batch = rows;
        cache.replace(Buffers.allocate(cache.env, cache.config, rows, capacity));
        cache.length = longest;
        cache.valid = new boolean[rows][longest];
        cache.realTokens = new int[rows];
        return cache;
    }

    /** Row {@code b} of this batch cache from {@code single} (one sequence, at most as long as the batch's longest). */
    void putRow(int b, KvCache single) {
        if (single.batch != 1 || single.length > length) {
            throw new IllegalArgumentException("a row takes one sequence of at most " + length + " slots, got "
                    + single.batch + " of " + single.length);
        }
        single.copyRows(buffers, new int[] {b}, new int[] {0}, single.length, length - single.length);
        Arrays.fill(valid[b], false);
        for (int j = 0; j < single.length; j++) {
            valid[b][length - single.length + j] = single.valid[0][j];
        }
        realTokens[b] = single.realTokens[0];
    }

    /**
     * Keeps only the rows {@code keep} (in that order) of the cache, so sequences that stopped no
     * longer take part in later steps. Copies the remaining keys and values once.
     */
    void compact(int[] keep) {
        if (batch < 0 || keep.length == batch) {
            return;
        }
        Buffers kept = Buffers.allocate(env, config, keep.length, buffers.capacity());
        copyRows(kept, identity(keep.length), keep, length, 0);
        boolean[][] keptValid = new boolean[keep.length][];
        int[] keptReal = new int[keep.length];
        for (int i = 0; i < keep.length; i++) {
            keptValid[i] = valid[keep[i]];
            keptReal[i] = realTokens[keep[i]];
        }
        batch = keep.length;
        replace(kept);
        valid = keptValid;
        realTokens = keptReal;
    }

    /**
     * Copies the first {@code slots} filled slots of every layer's rows {@code from} into rows
     * {@code to} of {@code target}, {@code shift} slots later there.
     */
    private void copyRows(Buffers target, int[] to, int[] from, int slots, int shift) {
        int kv = config.numKvHeads();
        int d = config.headDim();
        int capacity = buffers.capacity();
        for (int l = 0; l < buffers.keys().length; l++) {
            for (int i = 0; i < from.length; i++) {
                for (int h = 0; h < kv; h++) {
                    int srcHead = from[i] * kv + h;
                    int dstHead = to[i] * kv + h;
                    target.keys()[l].put((dstHead * target.capacity() + shift) * d, buffers.keys()[l],
                            srcHead * capacity * d, slots * d);
                    target.values()[l].put((dstHead * target.capacity() + shift) * d, buffers.values()[l],
                            srcHead * capacity * d, slots * d);
                }
            }
        }
    }

    private void replace(Buffers next) {
        buffers.close();
        buffers = next;
    }

    private static int[] identity(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    @Override
    public void close() {
        replace(Buffers.EMPTY);
        staging.close();
        staging = Staging.EMPTY;
    }

    /**
     * A zeroed direct buffer of {@code bytes} (native order), or, when the JVM refuses it, an error
     * saying that {@code what} needs {@code need} bytes and what to change.
     */
    private static ByteBuffer directMemory(long bytes, String what, long need) {
        try {
            return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
        } catch (OutOfMemoryError e) {
            throw new BackendException(what + " needs " + need + " bytes of direct memory and the JVM refused it ("
                    + e.getMessage() + "); raise -XX:MaxDirectMemorySize (it defaults to the heap's maximum) or judge"
                    + " fewer or shorter sequences at once.", e);
        }
    }

    /**
     * The direct memory a step's new keys and values are written into, per layer, and the pinned
     * output tensors over it for steps of {@code batch} x {@code seq}; {@code memory} is reused by
     * later steps of other lengths while it is large enough.
     */
    private record Staging(int batch, int seq, FloatBuffer[] keys, FloatBuffer[] values,
            java.util.Map<String, OnnxTensor> tensors, List<ByteBuffer> memory) {

        static final Staging EMPTY = new Staging(-1, 0, new FloatBuffer[0], new FloatBuffer[0], java.util.Map.of(), List.of());

        /** Tensors for steps of {@code rows} x {@code seq}, over this memory when it holds them, else over new memory. */
        Staging resized(OrtEnvironment env, ModelConfig config, int rows, int seq) {
            int layers = config.numLayers();
            int kv = config.numKvHeads();
            int d = config.headDim();
            int floats = Math.toIntExact((long) rows * kv * d * seq);
            closeTensors();
            List<ByteBuffer> held = memory;
            if (held.isEmpty() || held.get(0).capacity() < floats * Float.BYTES) {
                held.forEach(dev.autoj.onnx.internal.checkpoint.Buffers::free);
                held = new java.util.ArrayList<>(2 * layers);
                try {
                    for (int i = 0; i < 2 * layers; i++) {
                        held.add(directMemory((long) floats * Float.BYTES, "The new keys and values of a step of " + rows
                                + " sequence(s) x " + seq + " tokens", bytesPerSlot(config) * rows * seq));
                    }
                } catch (BackendException e) {
                    held.forEach(dev.autoj.onnx.internal.checkpoint.Buffers::free);
                    throw e;
                }
            }
            Staging out = new Staging(rows, seq, new FloatBuffer[layers], new FloatBuffer[layers],
                    new java.util.LinkedHashMap<>(), held);
            try {
                for (int l = 0; l < layers; l++) {
                    out.keys[l] = held.get(2 * l).asFloatBuffer().limit(floats).slice();
                    out.values[l] = held.get(2 * l + 1).asFloatBuffer().limit(floats).slice();
                    out.tensors.put("new_key." + l, OnnxTensor.createTensor(env, out.keys[l], new long[] {rows, kv, seq, d}));
                    out.tensors.put("new_value." + l, OnnxTensor.createTensor(env, out.values[l], new long[] {rows, kv, seq, d}));
                }
            } catch (OrtException e) {
                out.close();
                throw new BackendException("ONNX Runtime could not take the step's output buffers: " + e.getMessage(), e);
            }
            return out;
        }

        private void closeTensors() {
            tensors.values().forEach(OnnxTensor::close);
        }

        void close() {
            closeTensors();
            memory.forEach(dev.autoj.onnx.internal.checkpoint.Buffers::free);
        }
    }

    /**
     * A cache's buffers, the tensors that hand them to ONNX Runtime without a copy, and the direct
     * memory under them ({@code memory}), freed when they are closed rather than at some later
     * garbage collection: a judgment's caches are gigabytes at 13B, and direct memory the
     * collector has not yet reclaimed still counts against the JVM's limit (and {@link CacheBudget}'s headroom).
     */
    private record Buffers(int capacity, FloatBuffer[] keys, FloatBuffer[] values, OnnxTensor[] keyTensors,
            OnnxTensor[] valueTensors, java.util.List<ByteBuffer> memory) {

        /** No buffers: a cache before its first step, or closed. */
        static final Buffers EMPTY = new Buffers(0, new FloatBuffer[0], new FloatBuffer[0], new OnnxTensor[0],
                new OnnxTensor[0], java.util.List.of());

        static Buffers allocate(OrtEnvironment env, ModelConfig config, int batch, int capacity) {
            int layers = config.numLayers();
            int kv = config.numKvHeads();
            int d = config.headDim();
            long floats = (long) batch * kv * capacity * d;
            if (floats * Float.BYTES > Integer.MAX_VALUE) {
                throw new BackendException("A key/value cache of " + batch + " sequences x " + capacity
                        + " tokens needs " + floats * Float.BYTES + " bytes a layer, more than one buffer holds (2 GB);"
                        + " judge fewer or shorter sequences at once.");
            }
            Buffers out = new Buffers(capacity, new FloatBuffer[layers], new FloatBuffer[layers], new OnnxTensor[layers],
                    new OnnxTensor[layers], new java.util.ArrayList<>(2 * layers));
            try {
                for (int l = 0; l < layers; l++) {
                    out.keys[l] = out.direct(floats, batch, capacity, config);
                    out.values[l] = out.direct(floats, batch, capacity, config);
                    out.keyTensors[l] = OnnxTensor.createTensor(env, out.keys[l], new long[] {batch, kv, capacity, d});
                    out.valueTensors[l] = OnnxTensor.createTensor(env, out.values[l], new long[] {batch, kv, capacity, d});
                }
            } catch (OrtException e) {
                out.close();
                throw new BackendException("ONNX Runtime could not take the key/value cache: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                out.close();
                throw e;
            }
            return out;
        }

        /** A zeroed direct buffer of {@code floats}, its memory kept in {@link #memory} to be freed on {@link #close}. */
        private FloatBuffer direct(long floats, int batch, int capacity, ModelConfig config) {
            ByteBuffer bytes = directMemory(floats * Float.BYTES, "The key/value cache of " + batch + " sequence(s) x "
                    + capacity + " tokens", bytesPerSlot(config) * batch * capacity);
            memory.add(bytes);
            return bytes.asFloatBuffer();
        }

        /** Closes the tensors, then frees the memory under them: nothing may read these buffers afterwards. */
        void close() {
            Arrays.stream(keyTensors).filter(java.util.Objects::nonNull).forEach(OnnxTensor::close);
            Arrays.stream(valueTensors).filter(java.util.Objects::nonNull).forEach(OnnxTensor::close);
            memory.forEach(dev.autoj.onnx.internal.checkpoint.Buffers::free);
            if (!memory.isEmpty()) {
                memory.clear();
            }
        }
    }
}
