package dev.autoj.onnx;

import dev.autoj.onnx.internal.checkpoint.GptqFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A tiny GPTQ folder written by the tests: a {@link TinyLlama} (fp16 storage) whose linear layers
 * are quantized GPTQ-style by {@link GptqFixture} and saved in AutoGPTQ's layout, embeddings,
 * norms and {@code lm_head} as fp16; with the double-precision reference forward pass over the
 * test's own dequantized weights.
 *
 * <pre>{@code
 * TinyGptq gptq = TinyGptq.write(temp.resolve("gptq"), 7, 32, false, true, true);
 * List<Integer> expected = gptq.reference.referenceGreedy(new int[] {1, 17}, 16);
 * }</pre>
 */
public final class TinyGptq {

    /** The GPTQ folder. */
    public final Path dir;
    /** The same model with every linear layer replaced by its dequantized GPTQ weight. */
    public final TinyLlama reference;
    /** The tensors written, by name, so tests can write damaged variants. */
    final Map<String, GptqFixture.Stored> tensors;

    private TinyGptq(Path dir, TinyLlama reference, Map<String, GptqFixture.Stored> tensors) {
        this.dir = dir;
        this.reference = reference;
        this.tensors = tensors;
    }

    /**
     * Writes {@code dir} (config.json, quantize_config.json, model.safetensors). With
     * {@code actOrder}, layers reading the same activations (q/k/v, gate/up) get the same random
     * order when {@code shareOrders}, each its own otherwise.
     */
    public static TinyGptq write(Path dir, long seed, int groupSize, boolean sym, boolean actOrder, boolean shareOrders) {
        return write(dir, seed, groupSize, sym, actOrder, shareOrders, false);
    }

    /** As {@link #write(Path, long, int, boolean, boolean, boolean)}, with {@code lm_head} quantized too when {@code quantizeHead}. */
    public static TinyGptq write(Path dir, long seed, int groupSize, boolean sym, boolean actOrder, boolean shareOrders,
            boolean quantizeHead) {
        TinyLlama model = TinyLlama.write(dir.resolveSibling(dir.getFileName() + "-fp16"),
                TinyLlama.Spec.small().stored("F16", 1), seed);
        Map<String, GptqFixture.Stored> tensors = new LinkedHashMap<>();
        Map<String, float[]> dequantized = new HashMap<>();
        for (Map.Entry<String, float[]> e : model.weights.entrySet()) {
            String name = e.getKey();
            long[] shape = model.shapes.get(name);
            if (name.startsWith("model.layers.") && name.endsWith("_proj.weight") || quantizeHead && name.equals("lm_head.weight")) {
                int out = (int) shape[0];
                int in = (int) shape[1];
                float[][] matrix = new float[out][in];
                for (int n = 0; n < out; n++) {
                    System.arraycopy(e.getValue(), n * in, matrix[n], 0, in);
                }
                String prefix = name.substring(0, name.length() - ".weight".length());
                int layer = name.startsWith("model.layers.") ? Integer.parseInt(name.split("\\.")[2]) : -1;
                String projection = prefix.substring(prefix.lastIndexOf('.') + 1);
                String input = switch (projection) {
                    case "q_proj", "k_proj", "v_proj" -> shareOrders ? "attention" : projection;
                    case "gate_proj", "up_proj" -> shareOrders ? "mlp" : projection;
                    default -> projection;
                };
                GptqFixture.Quantized q = new GptqFixture.Quantized(matrix, groupSize, sym, actOrder,
                        Objects.hash(seed, layer, input));
                tensors.putAll(q.tensors(prefix, 1));
                dequantized.put(name, q.dequantized());
            } else {
                tensors.put(name, GptqFixture.half(e.getValue(), shape));
            }
        }
        try {
            Files.createDirectories(dir);
            Files.copy(model.dir.resolve("config.json"), dir.resolve("config.json"));
            GptqFixture.writeQuantizeConfig(dir, groupSize, actOrder, sym, null);
            GptqFixture.writeSafetensors(dir.resolve("model.safetensors"), tensors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TinyGptq(dir, model.withWeights(dequantized), tensors);
    }
}
