package dev.autoj.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The step decoder (route STEP): one run per token over the host {@link KvCache}, on one session
 * or on several (the first layers, then each further part on the hidden states of the one before,
 * the last with the head).
 */
final class StepDecoder {

    /** Additive mask value for a forbidden key: large enough to vanish in softmax, finite so a row never becomes NaN. */
    private static final float MASKED = -1e30f;

    private final OrtEnvironment env;
    private final ModelConfig config;
    /** The sessions of the decoder's parts in order: the first embeds the ids, the last has the head. */
    private final List<OrtSession> sessions;
    /** Whether a large run shrinks the sessions' arenas after it ({@link EngineSwitches#arenaShrink()}). */
    private final boolean shrink = EngineSwitches.arenaShrink();

    /**
     * A run whose estimated working set ({@link #workingSet}) summed over the parts is at least this
     * shrinks the arenas after it; below it the parts keep what they grew to (at most about this,
     * by the estimate), and the next run of that size finds its memory already mapped.
     */
    static final long SHRINK_FROM_BYTES = 256L << 20;

    StepDecoder(OrtEnvironment env, ModelConfig config, List<OrtSession> sessions) {
        this.env = env;
        this.config = config;
        this.sessions = sessions;
    }

    /** An empty cache for this decoder, sized when its first step comes. */
    KvCache newCache() {
        return newCache(0);
    }

    /** An empty cache for this decoder that expects to hold {@code slots} tokens a sequence (prompt and budget). */
    KvCache newCache(int slots) {
        return new KvCache(env, config, slots);
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
        int batch = ids.length;
        int past = cache.length();
        int seq = ids[0].length;
        int total = past + seq;
        if (seq == 0) {
            throw new IllegalArgumentException("no tokens to run");
        }
        if (cache.batch() >= 0 && cache.batch() != batch) {
            throw new IllegalArgumentException("cache holds " + cache.batch() + " sequences, step has " + batch);
        }
        if (cache.batch() < 0) {
            cache.start(batch);
        }
        for (int b = 0; b < batch; b++) {
            if (cache.realTokens()[b] + count(real[b]) > config.contextWindow()) {
                throw new BackendException("The sequence would reach " + (cache.realTokens()[b] + count(real[b]))
                        + " tokens, more than the model's context window of " + config.contextWindow() + ".");
            }
        }
        Map<String, OnnxTensor> owned = new HashMap<>();
        try {
            long[] idArray = new long[batch * seq];
            long[] positions = new long[batch * seq];
            boolean[][] valid = new boolean[batch][];
            int[] realAfter = cache.realTokens().clone();
            for (int b = 0; b < batch; b++) {
                valid[b] = Arrays.copyOf(cache.valid(b), total);
                for (int i = 0; i < seq; i++) {
                    idArray[b * seq + i] = ids[b][i];
                    positions[b * seq + i] = realAfter[b];
                    if (real[b][i]) {
                        realAfter[b]++;
                        valid[b][past + i] = true;
                    }
                }
            }
            cache.reserve(total);
            // an empty cache is not read at all (a prefill attends to its own tokens only)
            int capacity = past == 0 ? 0 : cache.capacity();
            int slots = capacity + seq;
            // over the cache's slots (filled ones < past), then the step's own tokens
            float[] bias = new float[batch * seq * slots];
            Arrays.fill(bias, MASKED);
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < seq; i++) {
                    int row = (b * seq + i) * slots;
                    for (int j = 0; j < past; j++) {
                        if (valid[b][j]) {
                            bias[row + j] = 0;
                        }
                    }
                    for (int j = 0; j <= i; j++) {
                        if (valid[b][past + j]) {
                            bias[row + capacity + j] = 0;
                        }
                    }
                }
            }
            long[] wanted = allPositions ? LongStream.range(0, seq).toArray() : new long[] {seq - 1};
            owned.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(idArray), new long[] {batch, seq}));
            owned.put("position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {batch, seq}));
            owned.put("attention_bias", OnnxTensor.createTensor(env, FloatBuffer.wrap(bias), new long[] {batch, 1, seq, slots}));
            owned.put("logits_positions", OnnxTensor.createTensor(env, LongBuffer.wrap(wanted), new long[] {wanted.length}));
            Map<String, OnnxTensorLike> inputs = new HashMap<>(owned);
            if (past == 0) {
                // keys and values are both [batch, kv, slots, d]: one empty tensor stands for both
                owned.put("empty_cache", OnnxTensor.createTensor(env, FloatBuffer.allocate(0),
                        new long[] {batch, config.numKvHeads(), 0, config.headDim()}));
            }
            for (int l = 0; l < config.numLayers(); l++) {
                inputs.put("cache_key." + l, past == 0 ? owned.get("empty_cache") : cache.keyInput(l));
                inputs.put("cache_value." + l, past == 0 ? owned.get("empty_cache") : cache.valueInput(l));
            }
            // the step's keys and values are written by ONNX Runtime into the cache's own buffers
            Map<String, OnnxTensor> stepOutputs = cache.stepOutputs(seq);
            boolean shrinkAfter = shrink && shrinksAfter(config, batch, seq, slots, sessions.size());
            List<OrtSession.Result> results = new ArrayList<>(sessions.size());
            float[][][] logits;
            try {
                if (sessions.size() == 1) {
                    results.add(run(sessions.get(0), inputs, stepOutputs, shrinkAfter));
                } else {
                    // each part on the hidden states of the one before; the last adds the head
                    OnnxTensor hidden = null;
                    for (OrtSession part : sessions) {
                        Map<String, OnnxTensorLike> own = Initializers.only(inputs, part.getInputNames()::contains);
                        if (hidden != null) {
                            own.put("hidden_in", hidden);
                        }
                        OrtSession.Result result = run(part, own, stepOutputs, shrinkAfter);
                        results.add(result);
                        hidden = (OnnxTensor) result.get("hidden_out").orElse(null);
                    }
                }
                logits = logits(results.get(results.size() - 1).get("logits").orElseThrow(), batch, wanted.length);
                cache.append(seq, valid, realAfter);
            } finally {
                results.forEach(OrtSession.Result::close);
            }
            return logits;
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime failed on a step of " + batch + " x " + seq + " tokens after " + past
                    + ": " + e.getMessage(), e);
        } finally {
            owned.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * One session's run. A run of many tokens (a long prefill chunk) needs a working set many
     * times a decoding step's, which ONNX Runtime's memory arena would keep for good, in every part
     * of a split decoder: with {@code shrinkAfter} the run ends by shrinking the arena back (run
     * option {@code memory.enable_memory_arena_shrinkage}), so the parts reuse the same memory. At
     * 13B shape, without this a 1,000-token judgment grew the parts' arenas past 11 GB and was
     * killed on a 24 GB machine. Smaller runs keep the arena: shrinking it after every 128-token
     * prefill of the 1G bench model made the next prefill fault its memory in again (about 10 ms
     * of 110). {@code -Dautoj.onnx.arenaShrink=false} never shrinks. The session's outputs among
     * {@code pinned} are written into those tensors; the others are returned.
     */
    private OrtSession.Result run(OrtSession session, Map<String, ? extends OnnxTensorLike> inputs,
            Map<String, OnnxTensor> pinned, boolean shrinkAfter) throws OrtException {
        Map<String, OnnxTensor> own = Initializers.only(pinned, session.getOutputNames()::contains);
        java.util.Set<String> requested = new java.util.LinkedHashSet<>(session.getOutputNames());
        requested.removeAll(own.keySet());
        if (!shrinkAfter) {
            return session.run(inputs, requested, own);
        }
        try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
            options.addRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
            return session.run(inputs, requested, own, options);
        }
    }

    /**
     * A generous estimate of the memory one layer's run over {@code batch} x {@code seq} tokens
     * attending to {@code slots} keys works in: the attention scores, their mask and
     * probabilities (heads x slots a token), the MLP's activations and a few hidden-sized
     * temporaries, in fp32. (A 1,500-token run of {@code ArenaMemoryTest}'s model: 132 MB; a
     * 256-token chunk at 13B after 1,000 tokens: 239 MB; a 128-token prefill of the 1G bench
     * model: 20 MB.)
     */
    static long workingSet(ModelConfig config, int batch, int seq, int slots) {
        long perToken = 3L * config.numHeads() * slots + 3L * config.intermediateSize() + 8L * config.hiddenSize();
        return (long) batch * seq * perToken * Float.BYTES;
    }

    /** Whether a run of {@code batch} x {@code seq} tokens over {@code slots} keys on {@code parts} sessions ends by shrinking their arenas. */
    static boolean shrinksAfter(ModelConfig config, int batch, int seq, int slots, int parts) {
        return workingSet(config, batch, seq, slots) * parts >= SHRINK_FROM_BYTES;
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
}
