package dev.autoj.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.SharedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny random LLaMA checkpoint written by the tests (config.json + safetensors) together with
 * an independent reference forward pass in double precision: plain loops over the very weights
 * written to disk, sharing no code with the checkpoint reader or the graph builder.
 */
public final class TinyLlama {

    /** Shape and storage of a tiny model. {@code dtype} is the safetensors dtype: F32, F16 or BF16. */
    public record Spec(String architecture, int vocab, int hidden, int intermediate, int heads, int kvHeads, int layers,
            int maxPositions, double ropeTheta, double rmsEps, boolean tied, String dtype, int shards, int eosId) {

        public static Spec small() {
            return new Spec("LlamaForCausalLM", 256, 64, 160, 4, 2, 2, 96, 20000.0, 3e-6, false, "F32", 1, 2);
        }

        Spec tied(boolean value) {
            return new Spec(architecture, vocab, hidden, intermediate, heads, kvHeads, layers, maxPositions, ropeTheta,
                    rmsEps, value, dtype, shards, eosId);
        }

        Spec stored(String storedDtype, int shardCount) {
            return new Spec(architecture, vocab, hidden, intermediate, heads, kvHeads, layers, maxPositions, ropeTheta,
                    rmsEps, tied, storedDtype, shardCount, eosId);
        }

        Spec vocab(int size) {
            return new Spec(architecture, size, hidden, intermediate, heads, kvHeads, layers, maxPositions, ropeTheta,
                    rmsEps, tied, dtype, shards, eosId);
        }

        public Spec maxPositions(int n) {
            return new Spec(architecture, vocab, hidden, intermediate, heads, kvHeads, layers, n, ropeTheta,
                    rmsEps, tied, dtype, shards, eosId);
        }

        Spec shape(int hiddenSize, int intermediateSize, int headCount, int kvHeadCount, int layerCount) {
            return new Spec(architecture, vocab, hiddenSize, intermediateSize, headCount, kvHeadCount, layerCount,
                    maxPositions, ropeTheta, rmsEps, tied, dtype, shards, eosId);
        }

        /** The same model with {@code id} as its only EOS id (the weights depend on the seed only, so they stay the same). */
        public Spec eos(int id) {
            return new Spec(architecture, vocab, hidden, intermediate, heads, kvHeads, layers, maxPositions, ropeTheta,
                    rmsEps, tied, dtype, shards, id);
        }

        public Spec architecture(String name) {
            return new Spec(name, vocab, hidden, intermediate, heads, kvHeads, layers, maxPositions, ropeTheta,
                    rmsEps, tied, dtype, shards, eosId);
        }

        int headDim() {
            return hidden / heads;
        }
    }

    final Spec spec;
    public final Path dir;
    /** Every tensor exactly as stored (after rounding to the stored dtype), row-major. */
    final Map<String, float[]> weights = new LinkedHashMap<>();
    final Map<String, long[]> shapes = new LinkedHashMap<>();

    private TinyLlama(Spec spec, Path dir) {
        this.spec = spec;
        this.dir = dir;
    }

    /**
     * A random one-layer model shaped for the judge path: LLaMA-2's vocabulary of 32000 with the real
     * LLaMA-2 {@code tokenizer.json} copied in, hidden 32, 4 query heads over 2, tied embeddings,
     * 1024 positions. Skips the calling test when ../shared is absent.
     */
    public static TinyLlama withLlama2Tokenizer(Path dir) throws IOException {
        Path tokenizer = SharedFiles.tokenizer("llama2");
        Spec spec = new Spec("LlamaForCausalLM", 32000, 32, 64, 4, 2, 1, 1024, 20000.0, 3e-6, true, "F32", 1, 2);
        TinyLlama model = write(dir, spec, 2024);
        Files.copy(tokenizer, model.dir.resolve("tokenizer.json"));
        return model;
    }

    public static TinyLlama write(Path dir, Spec spec, long seed) {
        TinyLlama model = new TinyLlama(spec, dir);
        model.generate(new Random(seed));
        try {
            Files.createDirectories(dir);
            model.writeConfig();
            model.writeSafetensors();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return model;
    }

    private void generate(Random random) {
        int h = spec.hidden;
        int q = spec.heads * spec.headDim();
        int kv = spec.kvHeads * spec.headDim();
        add(random, "model.embed_tokens.weight", 1.0, 0, spec.vocab, h);
        for (int l = 0; l < spec.layers; l++) {
            String p = "model.layers." + l + ".";
            add(random, p + "input_layernorm.weight", 0.2, 1.0, h);
            add(random, p + "self_attn.q_proj.weight", 1.5 / Math.sqrt(h), 0, q, h);
            add(random, p + "self_attn.k_proj.weight", 1.5 / Math.sqrt(h), 0, kv, h);
            add(random, p + "self_attn.v_proj.weight", 1.0 / Math.sqrt(h), 0, kv, h);
            add(random, p + "self_attn.o_proj.weight", 1.0 / Math.sqrt(q), 0, h, q);
            add(random, p + "post_attention_layernorm.weight", 0.2, 1.0, h);
            add(random, p + "mlp.gate_proj.weight", 1.0 / Math.sqrt(h), 0, spec.intermediate, h);
            add(random, p + "mlp.up_proj.weight", 1.0 / Math.sqrt(h), 0, spec.intermediate, h);
            add(random, p + "mlp.down_proj.weight", 1.0 / Math.sqrt(spec.intermediate), 0, h, spec.intermediate);
        }
        add(random, "model.norm.weight", 0.2, 1.0, h);
        if (!spec.tied) {
            add(random, "lm_head.weight", 2.0 / Math.sqrt(h), 0, spec.vocab, h);
        }
    }

    private void add(Random random, String name, double std, double mean, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = storable((float) (mean + std * random.nextGaussian()));
        }
        weights.put(name, values);
        shapes.put(name, shape);
    }

    /** Rounds to a value the stored dtype holds exactly, so the reference sees what the file holds. */
    private float storable(float v) {
        switch (spec.dtype) {
            case "BF16":
                return Float.intBitsToFloat(Float.floatToIntBits(v) & 0xFFFF0000);
            case "F16":
                float clipped = Math.max(-1.999f, Math.min(1.999f, v));
                return Math.round(clipped * 1024f) / 1024f;
            default:
                return v;
        }
    }

    private void writeConfig() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.putArray("architectures").add(spec.architecture);
        config.put("model_type", spec.architecture.startsWith("Mistral") ? "mistral" : "llama");
        config.put("hidden_size", spec.hidden);
        config.put("intermediate_size", spec.intermediate);
        config.put("num_attention_heads", spec.heads);
        config.put("num_key_value_heads", spec.kvHeads);
        config.put("num_hidden_layers", spec.layers);
        config.put("vocab_size", spec.vocab);
        config.put("max_position_embeddings", spec.maxPositions);
        config.put("rms_norm_eps", spec.rmsEps);
        config.put("rope_theta", spec.ropeTheta);
        config.putNull("rope_scaling");
        config.put("tie_word_embeddings", spec.tied);
        config.put("hidden_act", "silu");
        config.put("bos_token_id", 1);
        config.put("eos_token_id", spec.eosId);
        config.put("torch_dtype", "float32");
        Files.writeString(dir.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(config));
    }

    private void writeSafetensors() throws IOException {
        List<String> names = new ArrayList<>(weights.keySet());
        if (spec.shards == 1) {
            writeFile(dir.resolve("model.safetensors"), names);
            return;
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        index.putObject("metadata");
        ObjectNode map = index.putObject("weight_map");
        int per = (names.size() + spec.shards - 1) / spec.shards;
        for (int s = 0; s < spec.shards; s++) {
            String file = String.format("model-%05d-of-%05d.safetensors", s + 1, spec.shards);
            List<String> part = names.subList(Math.min(names.size(), s * per), Math.min(names.size(), (s + 1) * per));
            part.forEach(n -> map.put(n, file));
            writeFile(dir.resolve(file), part);
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), json.writeValueAsString(index));
    }

    private void writeFile(Path file, List<String> names) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        int width = spec.dtype.equals("F32") ? 4 : 2;
        long offset = 0;
        for (String name : names) {
            ObjectNode info = header.putObject(name);
            info.put("dtype", spec.dtype);
            ArrayNode shape = info.putArray("shape");
            for (long d : shapes.get(name)) {
                shape.add(d);
            }
            long bytes = (long) weights.get(name).length * width;
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate((int) (8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(headerBytes);
        for (int i = headerBytes.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (String name : names) {
            for (float v : weights.get(name)) {
                switch (spec.dtype) {
                    case "F32" -> out.putFloat(v);
                    case "BF16" -> out.putShort((short) (Float.floatToIntBits(v) >>> 16));
                    default -> out.putShort(exactHalf(v));
                }
            }
        }
        Files.write(file, out.array());
    }

    /** Binary16 bits of a multiple of 2^-10 in (-2, 2) (exact, so no rounding rule is needed). */
    private static short exactHalf(float v) {
        if (v == 0f) {
            return 0;
        }
        int sign = v < 0 ? 0x8000 : 0;
        double a = Math.abs((double) v);
        int exp = Math.getExponent(a);
        int mantissa = (int) Math.round((a / Math.scalb(1.0, exp) - 1.0) * 1024);
        return (short) (sign | ((exp + 15) << 10) | mantissa);
    }

    /** A reference over the same spec with some weights replaced (e.g. by their 4-bit dequantized values); writes nothing. */
    TinyLlama withWeights(Map<String, float[]> replaced) {
        TinyLlama copy = new TinyLlama(spec, dir);
        copy.weights.putAll(weights);
        copy.shapes.putAll(shapes);
        replaced.forEach((name, values) -> {
            if (!weights.containsKey(name) || weights.get(name).length != values.length) {
                throw new IllegalArgumentException("no weight " + name + " of " + values.length + " elements");
            }
            copy.weights.put(name, values);
        });
        return copy;
    }

    /**
     * A reference over the same weights with another rope θ; writes nothing. A test that passes against
     * the true θ and fails against this one shows the engine really reads {@code rope_theta}.
     */
    TinyLlama withRopeTheta(double theta) {
        Spec other = new Spec(spec.architecture, spec.vocab, spec.hidden, spec.intermediate, spec.heads, spec.kvHeads,
                spec.layers, spec.maxPositions, theta, spec.rmsEps, spec.tied, spec.dtype, spec.shards, spec.eosId);
        TinyLlama copy = new TinyLlama(other, dir);
        copy.weights.putAll(weights);
        copy.shapes.putAll(shapes);
        return copy;
    }

    // ---- reference forward pass, double precision ----

    /** Logits of every position of {@code ids}, recomputed from scratch. */
    double[][] referenceLogits(int[] ids) {
        int s = ids.length;
        int h = spec.hidden;
        int d = spec.headDim();
        int group = spec.heads / spec.kvHeads;
        double[][] x = new double[s][];
        for (int t = 0; t < s; t++) {
            x[t] = row(weights.get("model.embed_tokens.weight"), ids[t], h);
        }
        for (int l = 0; l < spec.layers; l++) {
            String p = "model.layers." + l + ".";
            double[][] q = new double[s][];
            double[][] k = new double[s][];
            double[][] v = new double[s][];
            for (int t = 0; t < s; t++) {
                double[] n = rmsNorm(x[t], weights.get(p + "input_layernorm.weight"));
                q[t] = rope(matVec(weights.get(p + "self_attn.q_proj.weight"), n, spec.heads * d), t, spec.heads);
                k[t] = rope(matVec(weights.get(p + "self_attn.k_proj.weight"), n, spec.kvHeads * d), t, spec.kvHeads);
                v[t] = matVec(weights.get(p + "self_attn.v_proj.weight"), n, spec.kvHeads * d);
            }
            for (int t = 0; t < s; t++) {
                double[] context = new double[spec.heads * d];
                for (int head = 0; head < spec.heads; head++) {
                    int kvHead = head / group;
                    double[] scores = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= t; j++) {
                        double dot = 0;
                        for (int i = 0; i < d; i++) {
                            dot += q[t][head * d + i] * k[j][kvHead * d + i];
                        }
                        scores[j] = dot / Math.sqrt(d);
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= t; j++) {
                        scores[j] = Math.exp(scores[j] - max);
                        sum += scores[j];
                    }
                    for (int j = 0; j <= t; j++) {
                        for (int i = 0; i < d; i++) {
                            context[head * d + i] += scores[j] / sum * v[j][kvHead * d + i];
                        }
                    }
                }
                double[] attended = matVec(weights.get(p + "self_attn.o_proj.weight"), context, h);
                for (int i = 0; i < h; i++) {
                    x[t][i] += attended[i];
                }
                double[] n = rmsNorm(x[t], weights.get(p + "post_attention_layernorm.weight"));
                double[] gate = matVec(weights.get(p + "mlp.gate_proj.weight"), n, spec.intermediate);
                double[] up = matVec(weights.get(p + "mlp.up_proj.weight"), n, spec.intermediate);
                for (int i = 0; i < gate.length; i++) {
                    gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                }
                double[] down = matVec(weights.get(p + "mlp.down_proj.weight"), gate, h);
                for (int i = 0; i < h; i++) {
                    x[t][i] += down[i];
                }
            }
        }
        float[] head = weights.get(spec.tied ? "model.embed_tokens.weight" : "lm_head.weight");
        double[][] logits = new double[s][];
        for (int t = 0; t < s; t++) {
            logits[t] = matVec(head, rmsNorm(x[t], weights.get("model.norm.weight")), spec.vocab);
        }
        return logits;
    }

    /** Greedy continuation by full recomputation each step; stops at EOS (not included) or after {@code steps}. */
    public List<Integer> referenceGreedy(int[] prompt, int steps) {
        List<Integer> sequence = new ArrayList<>();
        for (int id : prompt) {
            sequence.add(id);
        }
        List<Integer> generated = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            double[][] logits = referenceLogits(sequence.stream().mapToInt(Integer::intValue).toArray());
            double[] last = logits[logits.length - 1];
            int best = 0;
            for (int i = 1; i < last.length; i++) {
                if (last[i] > last[best]) {
                    best = i;
                }
            }
            if (best == spec.eosId) {
                break;
            }
            generated.add(best);
            sequence.add(best);
        }
        return generated;
    }

    private static double[] row(float[] matrix, int r, int width) {
        double[] out = new double[width];
        for (int i = 0; i < width; i++) {
            out[i] = matrix[r * width + i];
        }
        return out;
    }

    /** W·x for W stored [out, in] as Hugging Face's Linear keeps it. */
    private static double[] matVec(float[] w, double[] x, int out) {
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                sum += w[o * x.length + i] * x[i];
            }
            y[o] = sum;
        }
        return y;
    }

    private double[] rmsNorm(double[] x, float[] w) {
        double squares = 0;
        for (double value : x) {
            squares += value * value;
        }
        double scale = 1.0 / Math.sqrt(squares / x.length + spec.rmsEps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * w[i];
        }
        return out;
    }

    /** Rotate-half rotary embedding of each head at position {@code pos}. */
    private double[] rope(double[] x, int pos, int headCount) {
        int d = spec.headDim();
        double[] out = x.clone();
        for (int head = 0; head < headCount; head++) {
            for (int i = 0; i < d / 2; i++) {
                double angle = pos * Math.pow(spec.ropeTheta, -2.0 * i / d);
                double a = x[head * d + i];
                double b = x[head * d + i + d / 2];
                out[head * d + i] = a * Math.cos(angle) - b * Math.sin(angle);
                out[head * d + i + d / 2] = b * Math.cos(angle) + a * Math.sin(angle);
            }
        }
        return out;
    }

    /**
     * Overwrites every tensor byte of the checkpoint with NaN (headers kept): any weight read from it
     * afterwards would poison the logits, so equal logits prove a cache did not read it.
     */
    public void poisonTensorData() throws IOException {
        Path safetensors = dir.resolve("model.safetensors");
        try (FileChannel file = FileChannel.open(safetensors,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            file.read(length, 0);
            long dataStart = 8 + length.getLong(0);
            ByteBuffer nan = ByteBuffer.allocate(Math.toIntExact(file.size() - dataStart))
                    .order(ByteOrder.LITTLE_ENDIAN);
            while (nan.remaining() >= 4) {
                nan.putFloat(Float.NaN);
            }
            nan.clear();
            file.write(nan, dataStart);
        }
    }
}
