package dev.autoj.onnx.internal.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The decoder's shape read from a Hugging Face {@code config.json} of a LLaMA-family model.
 *
 * <pre>{@code
 * ModelConfig config = ModelConfig.read(Path.of("autoj-13b"));   // the folder holding config.json
 * int layers = config.numLayers();                                 // 40 for Auto-J-13B
 * }</pre>
 *
 * @param architecture {@code LlamaForCausalLM} or {@code MistralForCausalLM}
 * @param contextWindow the most positions one sequence may use: {@code max_position_embeddings},
 *     or Mistral's {@code sliding_window} when smaller, since attention here is always full
 * @param eosIds every id that ends a generation
 */
public record ModelConfig(
        String architecture,
        int hiddenSize,
        int intermediateSize,
        int numHeads,
        int numKvHeads,
        int numLayers,
        int vocabSize,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        int contextWindow,
        boolean tieWordEmbeddings,
        int bosId,
        List<Integer> eosIds) {

    private static final Set<String> ARCHITECTURES = Set.of("LlamaForCausalLM", "MistralForCausalLM");

    public ModelConfig {
        eosIds = List.copyOf(eosIds);
    }

    /** Reads {@code config.json} from a model folder (or the file itself). */
    public static ModelConfig read(Path modelDir) {
        Path file = Files.isDirectory(modelDir) ? modelDir.resolve("config.json") : modelDir;
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new CheckpointException("No config.json in " + file.getParent() + ". Point the model path at a "
                    + "Hugging Face model folder (config.json, tokenizer.json, *.safetensors).", e);
        } catch (JacksonException e) {
            throw new CheckpointException(file + " is not valid JSON: " + e.getOriginalMessage()
                    + ". Restore the original config.json of the model.", e);
        } catch (IOException e) {
            throw new CheckpointException("Cannot read " + file + ": " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file + " does not hold a JSON object; restore the model's config.json.");
        }
        String architecture = architecture(file, root);
        if (root.path("rope_scaling").isObject()) {
            throw new CheckpointException(file + " sets rope_scaling " + root.get("rope_scaling")
                    + "; scaled rotary embeddings are not supported. Use a model without rope_scaling (Auto-J has none).");
        }
        if (root.path("attention_bias").asBoolean(false) || root.path("mlp_bias").asBoolean(false)) {
            throw new CheckpointException(file + " sets attention_bias or mlp_bias; only bias-free LLaMA/Mistral "
                    + "projections are supported.");
        }
        String act = root.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new CheckpointException(file + " has hidden_act \"" + act + "\"; only \"silu\" (SwiGLU) is supported.");
        }
        int hidden = positive(file, root, "hidden_size");
        int heads = positive(file, root, "num_attention_heads");
        int kvHeads = root.has("num_key_value_heads") && !root.get("num_key_value_heads").isNull()
                ? positive(file, root, "num_key_value_heads") : heads;
        if (heads % kvHeads != 0) {
            throw new CheckpointException(file + ": num_attention_heads " + heads + " is not a multiple of "
                    + "num_key_value_heads " + kvHeads + ".");
        }
        int headDim = root.has("head_dim") && !root.get("head_dim").isNull()
                ? positive(file, root, "head_dim") : hidden / heads;
        if (!root.has("head_dim") && hidden % heads != 0) {
            throw new CheckpointException(file + ": hidden_size " + hidden + " is not a multiple of num_attention_heads "
                    + heads + ".");
        }
        if (headDim % 2 != 0) {
            throw new CheckpointException(file + ": the head size " + headDim + " is odd; rotary embeddings need an even one.");
        }
        int maxPositions = positive(file, root, "max_position_embeddings");
        int window = maxPositions;
        JsonNode sliding = root.get("sliding_window");
        if (sliding != null && sliding.isInt() && sliding.asInt() > 0) {
            window = Math.min(window, sliding.asInt());
        }
        double eps = root.path("rms_norm_eps").asDouble(1e-6);
        double theta = root.path("rope_theta").asDouble(10000.0);
        if (!(eps > 0) || !(theta > 0)) {
            throw new CheckpointException(file + ": rms_norm_eps (" + eps + ") and rope_theta (" + theta
                    + ") must be positive.");
        }
        return new ModelConfig(architecture, hidden, positive(file, root, "intermediate_size"), heads, kvHeads,
                positive(file, root, "num_hidden_layers"), positive(file, root, "vocab_size"), headDim, eps, theta,
                window, root.path("tie_word_embeddings").asBoolean(false), root.path("bos_token_id").asInt(1),
                eosIds(root.get("eos_token_id")));
    }

    private static String architecture(Path file, JsonNode root) {
        JsonNode list = root.get("architectures");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new CheckpointException(file + " names no \"architectures\"; expected one of " + ARCHITECTURES + ".");
        }
        String name = list.get(0).asText();
        if (!ARCHITECTURES.contains(name)) {
            throw new CheckpointException(file + " describes a " + name + "; only " + ARCHITECTURES
                    + " checkpoints are supported (Auto-J-13B is a LlamaForCausalLM).");
        }
        return name;
    }

    private static int positive(Path file, JsonNode root, String key) {
        JsonNode node = root.get(key);
        if (node == null || !node.canConvertToInt() || node.asInt() <= 0 || !node.isIntegralNumber()) {
            throw new CheckpointException(file + ": \"" + key + "\" must be a positive integer, got "
                    + (node == null ? "nothing" : node.toString()) + ".");
        }
        return node.asInt();
    }

    private static List<Integer> eosIds(JsonNode node) {
        List<Integer> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            ids.add(2);
        } else if (node.isArray()) {
            node.forEach(n -> ids.add(n.asInt()));
        } else {
            ids.add(node.asInt());
        }
        return ids;
    }

    /** Query heads sharing one key/value head. */
    public int groupSize() {
        return numHeads / numKvHeads;
    }
}
