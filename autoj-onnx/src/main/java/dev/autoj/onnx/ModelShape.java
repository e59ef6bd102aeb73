package dev.autoj.onnx;

import java.util.List;

/**
 * The dimensions of an opened decoder, as its {@code config.json} gives them: the public view of
 * what the (internal) checkpoint reader parsed.
 *
 * <pre>{@code
 * try (OnnxBackend backend = OnnxBackend.open(OnnxOptions.of(Path.of("models/autoj-13b")))) {
 *     ModelShape shape = backend.shape();
 *     shape.contextWindow();   // 4096 for Auto-J-13B
 *     shape.vocabSize();       // 32000
 * }
 * }</pre>
 *
 * @param architecture the {@code architectures[0]} of config.json, e.g. {@code LlamaForCausalLM}
 * @param hiddenSize the model width
 * @param numLayers decoder layers
 * @param numHeads attention heads
 * @param numKvHeads key/value heads (fewer than {@code numHeads} with grouped-query attention)
 * @param vocabSize tokens in the vocabulary
 * @param contextWindow the longest sequence (prompt + generated tokens) the model was trained for
 * @param tieWordEmbeddings whether the output head shares the embedding matrix
 * @param eosIds the token ids that end a generation
 */
public record ModelShape(String architecture, int hiddenSize, int numLayers, int numHeads, int numKvHeads, int vocabSize,
        int contextWindow, boolean tieWordEmbeddings, List<Integer> eosIds) {

    public ModelShape {
        eosIds = List.copyOf(eosIds);
    }
}
