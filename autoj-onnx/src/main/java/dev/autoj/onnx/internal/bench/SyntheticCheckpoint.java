package dev.autoj.onnx.internal.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.onnx.internal.checkpoint.Buffers;
import dev.autoj.onnx.internal.checkpoint.Halfs;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.graph.LlamaWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Writes a LLaMA-shaped checkpoint of random weights ({@code config.json} and one F32 or F16
 * {@code model.safetensors}, or fp16 PyTorch {@code .bin} shards as Auto-J-13B was released),
 * shaped like Auto-J-13B or, grouped-query attention included, Auto-J bilingual 6B ({@link Base}), for
 * benchmarks and big-model checks: no download, and the weights go straight into the
 * memory-mapped file tensor by tensor, never onto the heap.
 *
 * <pre>{@code
 * SyntheticCheckpoint.Shape shape = SyntheticCheckpoint.Shape.ofSize(1L << 30);
 * SyntheticCheckpoint.write(Path.of("/tmp/bench-model"), shape, 42);
 * SyntheticCheckpoint.Shape sixB = SyntheticCheckpoint.Shape.ofSize(40L << 20, SyntheticCheckpoint.Base.BILINGUAL_6B);
 * }</pre>
 */
public final class SyntheticCheckpoint {

    /**
     * The released model whose shape a synthetic checkpoint takes; {@code bench --shape} names it
     * ({@link #cliName()}).
     */
    public enum Base {
        /** Auto-J-13B (LLaMA-2-13B): 40 heads, each its own key/value head, rope θ 10000, vocabulary 32000. */
        AUTOJ_13B,
        /**
         * Auto-J bilingual 6B (Yi-6B): hidden 4096, intermediate 11008, 32 layers, 32 query heads
         * sharing 4 key/value heads, rope θ 5,000,000, vocabulary 64000, 4096 positions, untied head.
         */
        BILINGUAL_6B;

        /** The name {@code bench --shape} takes: {@code 13b} or {@code 6b}. */
        public String cliName() {
            return switch (this) {
                case AUTOJ_13B -> "13b";
                case BILINGUAL_6B -> "6b";
            };
        }
    }

    /**
     * Dimensions of the synthetic decoder (untied head, as Auto-J): {@code kvHeads} key/value
     * heads shared by the {@code heads} query heads (grouped-query attention when fewer), rope
     * base {@code ropeTheta}.
     */
    public record Shape(int hidden, int intermediate, int heads, int kvHeads, int layers, int vocab, int maxPositions,
            double ropeTheta) {

        /** LLaMA's rope base, which Auto-J-13B keeps. */
        private static final double LLAMA_ROPE_THETA = 10000.0;

        /** F32 bytes from which a shape has the real model's dimensions (a one-layer slice is 2.58 GB at 13B, 2.79 GB at 6B). */
        private static final long REAL_DIMENSIONS_FROM = 2_500_000_000L;

        /** Yi-6B's rope base. */
        private static final double YI_ROPE_THETA = 5_000_000.0;

        /** Checks that the query heads split into whole groups per key/value head. */
        public Shape {
            if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || hidden % heads != 0) {
                throw new IllegalArgumentException("a shape of hidden " + hidden + " with " + heads + " heads and " + kvHeads
                        + " key/value heads does not split: heads must divide hidden, key/value heads must divide heads");
            }
        }

        /** Multi-head attention (a key/value head per query head) with LLaMA's rope θ 10000, as Auto-J-13B. */
        public Shape(int hidden, int intermediate, int heads, int layers, int vocab, int maxPositions) {
            this(hidden, intermediate, heads, heads, layers, vocab, maxPositions, LLAMA_ROPE_THETA);
        }

        /** Auto-J-13B's dimensions (LLaMA-2-13B) with {@code layers} layers: a slice of the real model's size. */
        public static Shape autojSlice(int layers) {
            return new Shape(5120, 13824, 40, layers, 32000, 4096);
        }

        /** Auto-J bilingual 6B's dimensions (Yi-6B) with {@code layers} layers; 32 is the whole model. */
        public static Shape bilingual6bSlice(int layers) {
            return new Shape(4096, 11008, 32, 4, layers, 64000, 4096, YI_ROPE_THETA);
        }

        /** {@link #ofSize(long, Base)} in Auto-J-13B's shape. */
        public static Shape ofSize(long bytes) {
            return ofSize(bytes, Base.AUTOJ_13B);
        }

        /**
         * A shape of about {@code bytes} of F32 weights with as many layers as fit (at least
         * one). Auto-J-13B's: below 256 MB a toy (hidden 256, vocabulary 4096) for quick checks;
         * below 2.5 GB hidden 2048, intermediate 5504, 16 heads, vocabulary 32000; from there
         * Auto-J-13B's dimensions. Auto-J bilingual 6B's keeps Yi-6B's 32 query heads sharing 4
         * key/value heads, rope θ 5,000,000 and 4096 positions at every size: below 256 MB hidden
         * 512, intermediate 1376, vocabulary 4096; below 2.5 GB hidden 2048, intermediate 5504,
         * vocabulary 32000; from there Yi-6B's dimensions (one layer comes to 2.79 GB, 2.10 GB of it
         * the embedding and head; all 32 layers to 24.24 GB, which {@code bench --size 22.6G} gives).
         */
        public static Shape ofSize(long bytes, Base shapeOf) {
            Shape base = switch (shapeOf) {
                case AUTOJ_13B -> bytes < (256L << 20) ? new Shape(256, 688, 4, 1, 4096, 4096)
                        : bytes < REAL_DIMENSIONS_FROM ? new Shape(2048, 5504, 16, 1, 32000, 4096) : autojSlice(1);
                case BILINGUAL_6B -> bytes < (256L << 20) ? new Shape(512, 1376, 32, 4, 1, 4096, 4096, YI_ROPE_THETA)
                        : bytes < REAL_DIMENSIONS_FROM ? new Shape(2048, 5504, 32, 4, 1, 32000, 4096, YI_ROPE_THETA)
                        : bilingual6bSlice(1);
            };
            long perLayer = base.layerParameters() * 4;
            long fixed = (base.parameters() - base.layerParameters()) * 4;
            int layers = (int) Math.max(1, Math.round((double) (bytes - fixed) / perLayer));
            return base.withLayers(layers);
        }

        /** This shape with {@code count} layers. */
        public Shape withLayers(int count) {
            return new Shape(hidden, intermediate, heads, kvHeads, count, vocab, maxPositions, ropeTheta);
        }

        long layerParameters() {
            long keyValue = (long) kvHeads * (hidden / heads);
            return 2L * hidden * hidden + 2L * hidden * keyValue + 3L * hidden * intermediate + 2L * hidden;
        }

        /** Every weight, embedding included. */
        public long parameters() {
            return layers * layerParameters() + 2L * vocab * hidden + hidden;
        }

        /** Weights read from memory for every decoded token: all but the embedding table (only one row of it is read). */
        public long streamedParameters() {
            return parameters() - (long) vocab * hidden;
        }
    }

    private SyntheticCheckpoint() {
    }

    /** Writes the checkpoint into {@code dir} (created if missing) and returns its F32 size in bytes. */
    public static long write(Path dir, Shape shape, long seed) {
        return write(dir, shape, seed, "F32");
    }

    /**
     * Writes the checkpoint with weights of safetensors dtype {@code dtype} ({@code F32} or
     * {@code F16}, the form released fp16 checkpoints such as Auto-J-13B take) and returns the bytes of its tensor data.
     */
    public static long write(Path dir, Shape shape, long seed, String dtype) {
        if (!dtype.equals("F32") && !dtype.equals("F16")) {
            throw new IllegalArgumentException("synthetic checkpoints are F32 or F16, not " + dtype);
        }
        int width = dtype.equals("F32") ? 4 : 2;
        try {
            Files.createDirectories(dir);
            writeConfig(dir, shape, width == 4 ? "float32" : "float16");
            ModelConfig config = ModelConfig.read(dir);
            List<LlamaWeights.Weight> weights = LlamaWeights.weights(config);
            ObjectMapper json = new ObjectMapper();
            ObjectNode header = json.createObjectNode();
            header.putObject("__metadata__").put("format", "pt");
            long offset = 0;
            for (LlamaWeights.Weight w : weights) {
                ObjectNode info = header.putObject(w.name());
                info.put("dtype", dtype);
                long elements = elements(w);
                com.fasterxml.jackson.databind.node.ArrayNode dims = info.putArray("shape");
                for (long d : w.shape()) {
                    dims.add(d);
                }
                info.putArray("data_offsets").add(offset).add(offset + elements * width);
                offset += elements * width;
            }
            byte[] headerBytes = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
            int padded = (headerBytes.length + 7) / 8 * 8;
            long dataStart = 8 + padded;
            Path file = dir.resolve("model.safetensors");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MappedByteBuffer head = channel.map(FileChannel.MapMode.READ_WRITE, 0, dataStart);
                head.order(ByteOrder.LITTLE_ENDIAN).putLong(padded).put(headerBytes);
                while (head.position() < dataStart) {
                    head.put((byte) ' ');
                }
                head.force();
                Buffers.free(head);
                long position = dataStart;
                int index = 0;
                for (LlamaWeights.Weight w : weights) {
                    long elements = elements(w);
                    MappedByteBuffer region = channel.map(FileChannel.MapMode.READ_WRITE, position, elements * width);
                    fillAndUnmap(region, w, weightSeed(seed, index++), width);
                    position += elements * width;
                }
            }
            return offset;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the synthetic checkpoint into " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The largest shard {@link #writeTorchBin} writes by default: Hugging Face's
     * {@code save_pretrained} default ({@code "10GB"}) when GAIR released Auto-J-13B, which gave
     * its 26 GB of fp16 weights three shards of at most 9.95 GB.
     */
    public static final long TORCH_SHARD_BYTES = 10_000_000_000L;

    /**
     * Writes the checkpoint as GAIR released Auto-J-13B: fp16 weights in PyTorch's {@code .bin}
     * format ({@link TorchSave}: what {@code torch.save} writes for a plain fp16 state dict),
     * {@code config.json} saying {@code float16}. When the weights fit in {@code maxShardBytes},
     * one {@code pytorch_model.bin}; otherwise {@code pytorch_model-0000K-of-0000N.bin} shards,
     * filled in state-dict order up to {@code maxShardBytes} each as {@code save_pretrained}
     * shards, and {@code pytorch_model.bin.index.json}. Each tensor streams into its mapped zip
     * entry, so nothing holds a shard or the model in memory. Every tensor's bytes equal those of
     * {@code write(dir, shape, seed, "F16")}.
     *
     * @return the bytes of tensor data (the fp16 size of the model)
     */
    public static long writeTorchBin(Path dir, Shape shape, long seed, long maxShardBytes) {
        try {
            Files.createDirectories(dir);
            writeConfig(dir, shape, "float16");
            List<LlamaWeights.Weight> weights = LlamaWeights.weights(ModelConfig.read(dir));
            List<List<Integer>> shards = new ArrayList<>();
            List<Integer> current = new ArrayList<>();
            long currentBytes = 0;
            long total = 0;
            for (int i = 0; i < weights.size(); i++) {
                long bytes = elements(weights.get(i)) * 2;
                if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                    shards.add(current);
                    current = new ArrayList<>();
                    currentBytes = 0;
                }
                current.add(i);
                currentBytes += bytes;
                total += bytes;
            }
            shards.add(current);
            ObjectMapper json = new ObjectMapper();
            ObjectNode index = json.createObjectNode();
            index.putObject("metadata").put("total_size", total);
            ObjectNode weightMap = index.putObject("weight_map");
            for (int s = 0; s < shards.size(); s++) {
                String file = shards.size() == 1 ? "pytorch_model.bin"
                        : String.format(Locale.ROOT, "pytorch_model-%05d-of-%05d.bin", s + 1, shards.size());
                List<TorchSave.Item> items = new ArrayList<>();
                List<TorchSave.Storage> storages = new ArrayList<>();
                for (int i : shards.get(s)) {
                    LlamaWeights.Weight w = weights.get(i);
                    String key = Integer.toString(storages.size());
                    items.add(TorchSave.Item.contiguous(w.name(), "F16", w.shape(), key));
                    long weightSeed = weightSeed(seed, i);
                    storages.add(new TorchSave.Storage(key, elements(w) * 2, buffer -> fill(buffer, w, weightSeed, 2)));
                    weightMap.put(w.name(), file);
                }
                TorchSave.write(dir.resolve(file), items, storages, false);
            }
            if (shards.size() > 1) {
                Files.writeString(dir.resolve("pytorch_model.bin.index.json"),
                        json.writerWithDefaultPrettyPrinter().writeValueAsString(index));
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the synthetic checkpoint into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The seed of the weight at {@code index} of the state dict, whichever format holds it. */
    private static long weightSeed(long seed, int index) {
        return seed * 1_000_003L + index;
    }

    private static long elements(LlamaWeights.Weight w) {
        long elements = 1;
        for (long d : w.shape()) {
            elements *= d;
        }
        return elements;
    }

    /**
     * Writes the weights of {@code w} into the mapped region {@code buffer} of the file and
     * unmaps it. Unmapped now, not at a later collection: the written pages would stay in this
     * process's resident set, and a bench that measures the loader's peak memory would count them.
     */
    private static void fillAndUnmap(MappedByteBuffer buffer, LlamaWeights.Weight w, long seed, int width) {
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        fill(buffer, w, seed, width);
        buffer.force();
        Buffers.free(buffer);
    }

    /**
     * Norm weights 1; matrices uniform with standard deviation 1/sqrt(in), which keeps
     * activations of a random model in range. Rows are filled in parallel, each from its own
     * xorshift stream, so the bytes depend on the seed only (and are the same whichever file
     * format holds them).
     */
    private static void fill(ByteBuffer buffer, LlamaWeights.Weight w, long seed, int width) {
        if (w.shape().length == 1) {
            for (int i = 0; i < w.shape()[0]; i++) {
                put(buffer, i, 1f, width);
            }
        } else {
            int rows = Math.toIntExact(w.shape()[0]);
            int cols = Math.toIntExact(w.shape()[1]);
            float amplitude = (float) (Math.sqrt(3.0) / Math.sqrt(cols));
            IntStream.range(0, rows).parallel().forEach(r -> {
                long state = (seed + r) * 0x9E3779B97F4A7C15L | 1;
                long base = (long) r * cols;
                for (int c = 0; c < cols; c++) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    float unit = ((state >>> 40) / (float) (1L << 24)) * 2f - 1f;
                    put(buffer, base + c, unit * amplitude, width);
                }
            });
        }
    }

    private static void put(ByteBuffer buffer, long index, float value, int width) {
        if (width == 4) {
            buffer.putFloat(Math.toIntExact(index * 4), value);
        } else {
            buffer.putShort(Math.toIntExact(index * 2), Halfs.floatToHalf(value));
        }
    }

    private static void writeConfig(Path dir, Shape s, String torchDtype) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.putArray("architectures").add("LlamaForCausalLM");
        config.put("model_type", "llama");
        config.put("hidden_size", s.hidden());
        config.put("intermediate_size", s.intermediate());
        config.put("num_attention_heads", s.heads());
        config.put("num_key_value_heads", s.kvHeads());
        config.put("num_hidden_layers", s.layers());
        config.put("vocab_size", s.vocab());
        config.put("max_position_embeddings", s.maxPositions());
        config.put("rms_norm_eps", 1e-5);
        config.put("rope_theta", s.ropeTheta());
        config.put("tie_word_embeddings", false);
        config.put("hidden_act", "silu");
        config.put("bos_token_id", 1);
        config.put("eos_token_id", 2);
        config.put("torch_dtype", torchDtype);
        Files.writeString(dir.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(config));
    }
}
