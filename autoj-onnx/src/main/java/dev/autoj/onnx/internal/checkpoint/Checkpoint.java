package dev.autoj.onnx.internal.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The weights of a Hugging Face model folder: {@code model.safetensors}, or the shards listed in
 * {@code model.safetensors.index.json}; when neither is there, PyTorch's {@code pytorch_model.bin}
 * or the shards of {@code pytorch_model.bin.index.json} (see {@link TorchBin}). Headers are read
 * and checked when the checkpoint opens; tensor data is memory-mapped on demand.
 *
 * <pre>{@code
 * Checkpoint weights = Checkpoint.open(Path.of("autoj-13b"));
 * Tensor embed = weights.tensor("model.embed_tokens.weight", 32000, 5120);
 * }</pre>
 */
public final class Checkpoint {

    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(Path file, DType dtype, long[] shape, long begin, long end) {
    }

    private final Path dir;
    private final Map<String, Entry> entries;
    private final String fingerprint;

    private Checkpoint(Path dir, Map<String, Entry> entries, String fingerprint) {
        this.dir = dir;
        this.entries = entries;
        this.fingerprint = fingerprint;
    }

    /** Reads the safetensors headers of a model folder; fails naming the file when one is missing or damaged. */
    public static Checkpoint open(Path modelDir) {
        Path dir = modelDir.toAbsolutePath().normalize();
        MessageDigest digest = sha256();
        Map<String, Entry> entries = new LinkedHashMap<>();
        Path index = dir.resolve(INDEX);
        Path single = dir.resolve(SINGLE);
        if (!Files.isRegularFile(index) && !Files.isRegularFile(single)) {
            // PyTorch .bin only when no safetensors are present: safetensors need no unpickling.
            index = dir.resolve(TorchBin.INDEX);
            single = dir.resolve(TorchBin.SINGLE);
        }
        if (Files.isRegularFile(index)) {
            Map<String, String> weightMap = weightMap(index);
            for (String shard : new TreeSet<>(weightMap.values())) {
                Path file = dir.resolve(shard).normalize();
                if (!file.startsWith(dir)) {
                    throw new CheckpointException(index + " names shard \"" + shard + "\" outside the model folder.");
                }
                if (!Files.isRegularFile(file)) {
                    String example = weightMap.entrySet().stream().filter(e -> e.getValue().equals(shard))
                            .map(Map.Entry::getKey).findFirst().orElse("?");
                    throw new CheckpointException("Shard " + file + " listed in " + index + " (e.g. for tensor "
                            + example + ") does not exist. Download the missing shard or fix the index.");
                }
                readWeights(file, entries, digest);
            }
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                Entry entry = entries.get(e.getKey());
                if (entry == null || !entry.file.getFileName().toString().equals(Path.of(e.getValue()).getFileName().toString())) {
                    throw new CheckpointException(index + " places tensor " + e.getKey() + " in " + e.getValue()
                            + ", but that shard's header does not hold it. The index and the shards do not belong together.");
                }
            }
        } else if (Files.isRegularFile(single)) {
            readWeights(single, entries, digest);
        } else {
            throw new CheckpointException("No weights in " + dir + ": expected " + SINGLE + " or " + INDEX
                    + " with its shards (or PyTorch's " + TorchBin.SINGLE + " or " + TorchBin.INDEX + ").");
        }
        return new Checkpoint(dir, entries, HexFormat.of().formatHex(digest.digest()));
    }

    /**
     * The floating-point tensors among {@code stored} (the others, such as a GPTQ checkpoint's
     * packed integers, are left to their own reader) as a checkpoint whose fingerprint is
     * {@code fingerprint}.
     */
    static Checkpoint of(Path dir, Iterable<StoredTensor> stored, String fingerprint) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (StoredTensor t : stored) {
            DType dtype = DType.fromSafetensors(t.dtype());
            if (dtype != null) {
                entries.put(t.name(), new Entry(t.file(), dtype, t.shape(), t.begin(), t.end()));
            }
        }
        return new Checkpoint(dir, entries, fingerprint);
    }

    /**
     * The tensor {@code name}, checked against the shape the model config implies.
     *
     * @throws CheckpointException naming the tensor and file when it is absent or has another shape
     */
    public Tensor tensor(String name, long... expectedShape) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new CheckpointException("Tensor " + name + " is missing from the checkpoint in " + dir
                    + ". Is this a complete LLaMA-family checkpoint matching its config.json?");
        }
        if (!Arrays.equals(entry.shape, expectedShape)) {
            throw new CheckpointException("Tensor " + name + " in " + entry.file + " has shape "
                    + Arrays.toString(entry.shape) + " but config.json implies " + Arrays.toString(expectedShape)
                    + ". The weights and config.json do not belong together.");
        }
        try (FileChannel channel = FileChannel.open(entry.file, StandardOpenOption.READ)) {
            ByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, entry.begin, entry.end - entry.begin);
            return new Tensor(name, entry.file, entry.dtype, entry.shape.clone(), data.order(ByteOrder.LITTLE_ENDIAN));
        } catch (IOException e) {
            throw new CheckpointException("Cannot map tensor " + name + " from " + entry.file + ": " + e, e);
        }
    }

    /** True when the checkpoint holds a tensor of that name. */
    public boolean has(String name) {
        return entries.containsKey(name);
    }

    /** SHA-256 over the safetensors headers (names, dtypes, shapes, offsets) of every file, in order; for .bin files, their pickles. */
    public String fingerprint() {
        return fingerprint;
    }

    public Path dir() {
        return dir;
    }

    private static Map<String, String> weightMap(Path index) {
        JsonNode map;
        try {
            map = JSON.readTree(Files.readAllBytes(index)).path("weight_map");
        } catch (JacksonException e) {
            throw new CheckpointException(index + " is not valid JSON: " + e.getOriginalMessage() + ".", e);
        } catch (IOException e) {
            throw new CheckpointException("Cannot read " + index + ": " + e, e);
        }
        if (!map.isObject() || map.isEmpty()) {
            throw new CheckpointException(index + " has no \"weight_map\" object naming each tensor's shard.");
        }
        Map<String, String> result = new TreeMap<>();
        map.properties().forEach(e -> result.put(e.getKey(), e.getValue().asText()));
        return result;
    }

    private static void readWeights(Path file, Map<String, Entry> entries, MessageDigest digest) {
        List<StoredTensor> tensors;
        digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        if (file.getFileName().toString().endsWith(".bin")) {
            TorchBin.Contents contents = TorchBin.contents(file);
            digest.update(contents.pickle());
            tensors = contents.tensors();
        } else {
            Safetensors.Contents contents = Safetensors.contents(file);
            digest.update(contents.header());
            tensors = contents.tensors();
        }
        for (StoredTensor t : tensors) {
            DType dtype = DType.fromSafetensors(t.dtype());
            if (dtype == null) {
                throw new CheckpointException("Tensor " + t.name() + " in " + file + " has dtype " + t.dtype()
                        + "; only F32, F16 and BF16 weights are supported. Convert the checkpoint to one of them.");
            }
            if (entries.putIfAbsent(t.name(), new Entry(file, dtype, t.shape(), t.begin(), t.end())) != null) {
                throw new CheckpointException("Tensor " + t.name() + " appears in " + file + " and in "
                        + entries.get(t.name()).file + "; a checkpoint holds each tensor once.");
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
