package dev.autoj.onnx;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.onnx.internal.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A folder holding a decoder exported by another tool, read without ONNX Runtime: which file is
 * the decoder, the names of its inputs and outputs ({@link Io}), and what the configs say about
 * generation ({@link Limits}).
 *
 * @param genai where {@code genai_config.json} is, or would be
 * @param genaiConfig its contents when the folder has one (onnxruntime-genai), else null (Optimum)
 */
record ExportedFolder(Path dir, Path file, Path genai, JsonNode genaiConfig, Limits limits) {

    /** The file names Optimum gives a causal-LM decoder, preferred in this order. */
    static final List<String> OPTIMUM_FILES = List.of("model.onnx", "decoder_model_merged.onnx");

    /**
     * Names of a decoder's inputs and outputs; {@code %d} in the cache names stands for the layer.
     *
     * @param positionIds null when the graph derives positions from the mask (older Optimum exports)
     * @param useCacheBranch null unless the graph is an Optimum merged decoder
     */
    record Io(String convention, String inputIds, String attentionMask, String positionIds, String useCacheBranch,
            String pastKey, String pastValue, String logits, String presentKey, String presentValue) {

        static Io optimum(Set<String> inputs) {
            return new Io("Hugging Face Optimum", "input_ids", "attention_mask",
                    inputs.contains("position_ids") ? "position_ids" : null,
                    inputs.contains("use_cache_branch") ? "use_cache_branch" : null,
                    "past_key_values.%d.key", "past_key_values.%d.value", "logits", "present.%d.key", "present.%d.value");
        }
    }

    /** What {@code config.json} or {@code genai_config.json} says about generation. */
    record Limits(int contextWindow, Set<Integer> eosIds) {
    }

    /** True when {@code dir} holds an exported decoder rather than a checkpoint to convert. */
    static boolean isExported(Path dir) {
        if (Files.isRegularFile(dir.resolve("genai_config.json"))) {
            return true;
        }
        return OPTIMUM_FILES.stream().anyMatch(name -> Files.isRegularFile(dir.resolve(name)));
    }

    /** Reads {@code dir}; errors name the folder and what was found. */
    static ExportedFolder read(Path dir) {
        Path genai = dir.resolve("genai_config.json");
        JsonNode genaiConfig = Files.isRegularFile(genai) ? readJson(genai) : null;
        Path file;
        if (genaiConfig != null) {
            String name = genaiConfig.path("model").path("decoder").path("filename").asText("");
            if (name.isEmpty()) {
                throw new CheckpointException(genai + " has no model.decoder.filename; onnxruntime-genai's builder writes the "
                        + "decoder's file name there (usually \"model.onnx\"). Add it.");
            }
            file = dir.resolve(name);
        } else {
            file = OPTIMUM_FILES.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new CheckpointException("No exported decoder in " + dir + ": expected "
                            + String.join(" or ", OPTIMUM_FILES) + " (Hugging Face Optimum) or genai_config.json "
                            + "(onnxruntime-genai); .onnx files found: " + onnxFiles(dir) + ". Rename the decoder file or "
                            + "write a genai_config.json that names it."));
        }
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(genai + " names the decoder file " + file.getFileName() + ", which is not in "
                    + dir + ". Copy the .onnx file (and its .onnx.data / .onnx_data external weights) there.");
        }
        return new ExportedFolder(dir, file, genai, genaiConfig, limits(dir, genaiConfig));
    }

    /** The graph's names: from {@code genai_config.json}, else Optimum's given the session's {@code inputs}. */
    Io io(Set<String> inputs) {
        return genaiConfig != null ? genaiIo(genai, genaiConfig) : Io.optimum(inputs);
    }

    private static Io genaiIo(Path genai, JsonNode root) {
        JsonNode decoder = root.path("model").path("decoder");
        JsonNode in = decoder.path("inputs");
        JsonNode out = decoder.path("outputs");
        return new Io("onnxruntime-genai (" + genai.getFileName() + ")",
                in.path("input_ids").asText("input_ids"),
                in.path("attention_mask").asText("attention_mask"),
                in.has("position_ids") ? in.get("position_ids").asText() : null,
                null,
                in.path("past_key_names").asText("past_key_values.%d.key"),
                in.path("past_value_names").asText("past_key_values.%d.value"),
                out.path("logits").asText("logits"),
                out.path("present_key_names").asText("present.%d.key"),
                out.path("present_value_names").asText("present.%d.value"));
    }

    private static Limits limits(Path dir, JsonNode genaiConfig) {
        if (genaiConfig != null) {
            JsonNode model = genaiConfig.path("model");
            return new Limits(model.path("context_length").asInt(Integer.MAX_VALUE), ids(model.path("eos_token_id")));
        }
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new CheckpointException("No config.json next to the exported decoder in " + dir + "; copy the model's "
                    + "config.json there (Optimum writes it beside model.onnx): it gives eos_token_id and "
                    + "max_position_embeddings.");
        }
        JsonNode root = readJson(config);
        JsonNode generation = Files.isRegularFile(dir.resolve("generation_config.json"))
                ? readJson(dir.resolve("generation_config.json")).path("eos_token_id") : null;
        Set<Integer> eos = ids(root.path("eos_token_id"));
        if (generation != null) {
            eos.addAll(ids(generation));
        }
        return new Limits(root.path("max_position_embeddings").asInt(Integer.MAX_VALUE), eos);
    }

    private static Set<Integer> ids(JsonNode node) {
        Set<Integer> out = new LinkedHashSet<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asInt()));
        } else if (node.isInt()) {
            out.add(node.asInt());
        }
        return out;
    }

    private static JsonNode readJson(Path file) {
        try {
            return new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (JacksonException e) {
            throw new CheckpointException(file + " is not valid JSON: " + e.getOriginalMessage() + ". Restore the exported file.", e);
        } catch (IOException e) {
            throw new BackendException("Cannot read " + file + ": " + e, e);
        }
    }

    /** Every {@code .onnx} file in {@code dir}, for error messages. */
    static List<String> onnxFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".onnx")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

}
