package dev.autoj.onnx.internal.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A 4-bit GPTQ checkpoint as AutoGPTQ (and Optimum) save it, such as the published
 * {@code autoj-13b-GPTQ-4bits}: {@code quantize_config.json} (or {@code quantization_config} in
 * {@code config.json}) and weights in {@code *.safetensors} (or {@code *.bin}) where each
 * quantized linear layer {@code P} is {@code P.qweight}, {@code P.qzeros}, {@code P.scales} and
 * {@code P.g_idx}; embeddings, norms and {@code lm_head} stay fp16 tensors.
 *
 * <pre>{@code
 * GptqCheckpoint gptq = GptqCheckpoint.open(Path.of("autoj-13b-GPTQ-4bits"));
 * GptqLinear.Repacked up = gptq.linear("model.layers.0.mlp.up_proj").toMatMulNBits();
 * }</pre>
 */
public final class GptqCheckpoint {

    /**
     * The quantization settings.
     *
     * @param groupSize inputs per group; -1 (one group per column) as written by AutoGPTQ
     * @param format {@code gptq} (zero points stored minus one, AutoGPTQ's original) or {@code gptq_v2}
     */
    public record Config(int bits, int groupSize, boolean descAct, boolean sym, String format) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Config config;
    private final Map<String, StoredTensor> tensors;

    private GptqCheckpoint(Path dir, Config config, Map<String, StoredTensor> tensors) {
        this.dir = dir;
        this.config = config;
        this.tensors = tensors;
    }

    /** Reads the quantization settings and the tensor headers of a GPTQ model folder. */
    public static GptqCheckpoint open(Path modelDir) {
        Path dir = modelDir.toAbsolutePath().normalize();
        Config config = config(dir);
        if (config.bits() != 4) {
            Path source = Files.isRegularFile(dir.resolve("quantize_config.json")) ? dir.resolve("quantize_config.json")
                    : dir.resolve("config.json");
            throw new CheckpointException(dir + " is a " + config.bits() + "-bit GPTQ checkpoint (\"bits\": " + config.bits()
                    + " in " + source + "); only 4-bit weights map to MatMulNBits here. Use a 4-bit GPTQ checkpoint or the "
                    + "fp16 weights.");
        }
        if (!config.format().equals("gptq") && !config.format().equals("gptq_v2")) {
            throw new CheckpointException(dir + " declares checkpoint_format \"" + config.format() + "\"; only AutoGPTQ's "
                    + "\"gptq\" and \"gptq_v2\" layouts are read.");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            List<Path> all = list.sorted().toList();
            files = all.stream().filter(p -> p.getFileName().toString().endsWith(".safetensors")).toList();
            if (files.isEmpty()) {
                files = all.stream().filter(p -> p.getFileName().toString().endsWith(".bin")).toList();
            }
        } catch (IOException e) {
            throw new CheckpointException("Cannot list " + dir + ": " + e, e);
        }
        if (files.isEmpty()) {
            throw new CheckpointException("No weights in " + dir + ": a GPTQ folder holds *.safetensors (or *.bin) files.");
        }
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        for (Path file : files) {
            List<StoredTensor> found = file.getFileName().toString().endsWith(".bin") ? TorchBin.read(file) : Safetensors.read(file);
            for (StoredTensor t : found) {
                if (tensors.putIfAbsent(t.name(), t) != null) {
                    throw new CheckpointException("Tensor " + t.name() + " appears in " + file + " and in "
                            + tensors.get(t.name()).file() + "; remove the stale file.");
                }
            }
        }
        return new GptqCheckpoint(dir, config, tensors);
    }

    public Config config() {
        return config;
    }

    /**
     * True when {@code modelDir} declares GPTQ quantization: a {@code quantize_config.json}, or a
     * {@code quantization_config} in {@code config.json}. {@link #open} then checks that it is a
     * 4-bit GPTQ checkpoint it can read.
     */
    public static boolean isGptq(Path modelDir) {
        if (Files.isRegularFile(modelDir.resolve("quantize_config.json"))) {
            return true;
        }
        Path config = modelDir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            return false;
        }
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(config));
            return node != null && node.has("quantization_config");
        } catch (IOException e) {
            // ModelConfig.read reports an unreadable or invalid config.json with its own message.
            return false;
        }
    }

    /**
     * The full-precision tensors (embeddings, norms, {@code lm_head}) as a {@link Checkpoint},
     * whose fingerprint covers the quantization settings and the name, type, shape and place of
     * every tensor, the quantized ones included.
     */
    public Checkpoint unquantized() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        digest.update(("gptq " + config + "\n").getBytes(StandardCharsets.UTF_8));
        for (StoredTensor t : tensors.values()) {
            digest.update((t.name() + " " + t.file().getFileName() + " " + t.dtype() + " " + Arrays.toString(t.shape())
                    + " " + t.begin() + " " + t.end() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return Checkpoint.of(dir, tensors.values(), HexFormat.of().formatHex(digest.digest()));
    }

    public Path dir() {
        return dir;
    }

    /** A tensor stored as is (embeddings, norms, lm_head), or {@code null} when absent. */
    public StoredTensor stored(String name) {
        return tensors.get(name);
    }

    /**
     * The quantized linear layer {@code prefix} (e.g. {@code model.layers.0.self_attn.q_proj}).
     *
     * @throws CheckpointException naming the tensor when one is missing or its shape or type does not fit the others
     */
    public GptqLinear linear(String prefix) {
        StoredTensor qweight = require(prefix + ".qweight", "I32");
        if (qweight.shape().length != 2) {
            throw shape(qweight, "[in / 8, out]");
        }
        int in = Math.toIntExact(qweight.shape()[0] * 8);
        int out = Math.toIntExact(qweight.shape()[1]);
        int groupSize = config.groupSize() <= 0 ? in : config.groupSize();
        int groups = (in + groupSize - 1) / groupSize;
        StoredTensor qzeros = require(prefix + ".qzeros", "I32");
        if (out % 8 != 0 || !Arrays.equals(qzeros.shape(), new long[] {groups, out / 8})) {
            throw shape(qzeros, "[" + groups + ", " + out + " / 8] for " + in + " inputs in groups of " + groupSize);
        }
        StoredTensor scales = tensors.get(prefix + ".scales");
        if (scales == null) {
            throw missing(prefix + ".scales");
        }
        if (!List.of("F16", "BF16", "F32").contains(scales.dtype()) || !Arrays.equals(scales.shape(), new long[] {groups, out})) {
            throw shape(scales, "F16 [" + groups + ", " + out + "]");
        }
        int[] groupIndex = new int[in];
        StoredTensor gIdx = tensors.get(prefix + ".g_idx");
        if (gIdx == null) {
            Arrays.setAll(groupIndex, k -> k / groupSize);
        } else {
            if (!gIdx.dtype().equals("I32") || !Arrays.equals(gIdx.shape(), new long[] {in})) {
                throw shape(gIdx, "I32 [" + in + "]");
            }
            ByteBuffer data = gIdx.map();
            for (int k = 0; k < in; k++) {
                groupIndex[k] = data.getInt(k * 4);
            }
        }
        if (tensors.containsKey(prefix + ".bias")) {
            throw new CheckpointException("Layer " + prefix + " in " + dir + " has a bias; LLaMA layers have none, so this "
                    + "checkpoint is not a LLaMA-family model.");
        }
        int zeroOffset = config.format().equals("gptq") ? 1 : 0;
        return new GptqLinear(prefix, in, out, groupSize, zeroOffset, qweight.map(), qzeros.map(), scales.map(),
                scales.dtype(), groupIndex);
    }

    private StoredTensor require(String name, String dtype) {
        StoredTensor t = tensors.get(name);
        if (t == null) {
            throw missing(name);
        }
        if (!t.dtype().equals(dtype)) {
            throw shape(t, dtype);
        }
        return t;
    }

    private CheckpointException missing(String name) {
        return new CheckpointException("Tensor " + name + " is missing from the GPTQ checkpoint in " + dir
                + ". Is every shard there, and is this layer quantized?");
    }

    private static CheckpointException shape(StoredTensor t, String expected) {
        return new CheckpointException("Tensor " + t.name() + " in " + t.file() + " is " + t.dtype() + " "
                + Arrays.toString(t.shape()) + " but AutoGPTQ's layout needs " + expected + "; the checkpoint is damaged "
                + "or uses another quantization format.");
    }

    private static Config config(Path dir) {
        JsonNode node = null;
        Path source = dir.resolve("quantize_config.json");
        try {
            if (Files.isRegularFile(source)) {
                node = JSON.readTree(Files.readAllBytes(source));
            } else if (Files.isRegularFile(dir.resolve("config.json"))) {
                source = dir.resolve("config.json");
                node = JSON.readTree(Files.readAllBytes(source)).get("quantization_config");
            }
        } catch (JacksonException e) {
            throw new CheckpointException(source + " is not valid JSON: " + e.getOriginalMessage() + ".", e);
        } catch (IOException e) {
            throw new CheckpointException("Cannot read " + source + ": " + e, e);
        }
        if (node == null || !node.isObject() || !node.has("bits")) {
            throw new CheckpointException(dir + " has no GPTQ settings: expected quantize_config.json or a "
                    + "\"quantization_config\" with \"bits\" and \"group_size\" in config.json.");
        }
        String method = node.path("quant_method").asText("gptq");
        if (!method.equals("gptq")) {
            throw new CheckpointException(source + " declares quant_method \"" + method + "\"; only GPTQ is read.");
        }
        return new Config(node.path("bits").asInt(), node.path("group_size").asInt(-1), node.path("desc_act").asBoolean(false),
                node.path("sym").asBoolean(true), node.path("checkpoint_format").asText("gptq"));
    }
}
