package dev.autoj.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The key/value cache of a batch of sequences on the host: the last step's outputs, fed back as
 * the next step's past, plus which cache slots hold real tokens (padding and the filler steps of
 * finished sequences are masked out of attention). {@link StepDecoder} fills it; {@link #merge}
 * and {@link #compact} reshape it between steps.
 */
final class KvCache implements AutoCloseable {

    private final OrtEnvironment env;
    private final ModelConfig config;
    /** The last step's results: one per session (two when the decoder is split, each with its layers' cache). */
    private List<OrtSession.Result> last;
    /** Past tensors of a merged or compacted batch, owned here (then {@code last} is null). */
    private Map<String, OnnxTensor> owned;
    private int length;
    private int batch = -1;
    private boolean[][] valid = new boolean[0][];
    private int[] realTokens = new int[0];

    KvCache(OrtEnvironment env, ModelConfig config) {
        this.env = env;
        this.config = config;
    }

    int length() {
        return length;
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

    /** After a step: its {@code results} hold the cache, now {@code total} slots long. */
    void advance(List<OrtSession.Result> results, int total, boolean[][] validAfter, int[] realAfter) {
        close();
        last = results;
        length = total;
        valid = validAfter;
        realTokens = realAfter;
    }

    /** The past tensor {@code present_<kind>.<layer>} of the last step, or null before the first. */
    OnnxTensor past(String name) {
        if (owned != null) {
            return owned.get(name);
        }
        if (last == null) {
            return null;
        }
        for (OrtSession.Result result : last) {
            Optional<OnnxValue> value = result.get(name);
            if (value.isPresent()) {
                return (OnnxTensor) value.get();
            }
        }
        throw new IllegalStateException("no session output " + name);
    }

    /**
     * One batch cache from single-sequence caches (each after its own prefill), left-padded to
     * the longest: the padding slots hold zeros and are marked invalid, so they are masked from
     * every later query. Prefilling one prompt at a time keeps the attention scores of a prefill
     * at one sequence's size (they grow with the square of the prompt length), and gives every
     * sequence exactly its single-run prefill.
     */
    static KvCache merge(List<KvCache> singles) {
        KvCache first = singles.get(0);
        ModelConfig config = first.config;
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
                    merged.put(name, OnnxTensor.createTensor(first.env, out, new long[] {n, kvHeads, longest, d}));
                }
            }
        } catch (OrtException e) {
            merged.values().forEach(OnnxTensor::close);
            throw new BackendException("ONNX Runtime could not build the batch key/value cache: " + e.getMessage(), e);
        }
        KvCache cache = new KvCache(first.env, config);
        cache.owned = merged;
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
    void compact(int[] keep) {
        if (batch < 0 || keep.length == batch) {
            return;
        }
        Map<String, OnnxTensor> kept = new HashMap<>();
        try {
            for (int l = 0; l < config.numLayers(); l++) {
                for (String kind : new String[] {"key", "value"}) {
                    String name = "present_" + kind + "." + l;
                    OnnxTensor tensor = past(name);
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
        boolean[][] keptValid = new boolean[keep.length][];
        int[] keptReal = new int[keep.length];
        for (int i = 0; i < keep.length; i++) {
            keptValid[i] = valid[keep[i]];
            keptReal[i] = realTokens[keep[i]];
        }
        close();
        owned = kept;
        batch = keep.length;
        valid = keptValid;
        realTokens = keptReal;
    }

    @Override
    public void close() {
        if (last != null) {
            last.forEach(OrtSession.Result::close);
            last = null;
        }
        if (owned != null) {
            owned.values().forEach(OnnxTensor::close);
            owned = null;
        }
    }
}
