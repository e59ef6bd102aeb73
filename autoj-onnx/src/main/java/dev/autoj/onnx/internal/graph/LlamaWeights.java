package dev.autoj.onnx.internal.graph;

import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The weight inventory of a LLaMA-family decoder: which checkpoint tensors its graph reads, with
 * their shapes, which of them a 4-bit graph quantizes, and which a span of layers declares. Read by
 * the graph builder ({@link LlamaGraph}) and by what hands the weights to a session.
 */
public final class LlamaWeights {

    private LlamaWeights() {
    }

    /** A checkpoint tensor the graph needs, with the shape config.json implies. */
    public record Weight(String name, long[] shape) {
    }

    /**
     * The weights multiplied as linear layers, which 4-bit graphs quantize: every projection and
     * the output head (the embedding matrix itself when embeddings are tied; the lookup keeps
     * its full-precision copy).
     */
    public static List<Weight> quantizedWeights(ModelConfig c) {
        List<Weight> list = new ArrayList<>();
        for (Weight w : weights(c)) {
            if (w.shape().length == 2 && !w.name().equals("model.embed_tokens.weight")) {
                list.add(w);
            }
        }
        if (c.tieWordEmbeddings()) {
            list.add(new Weight("model.embed_tokens.weight", new long[] {c.vocabSize(), c.hiddenSize()}));
        }
        return list;
    }

    /** The weights {@code int4} quantizes: as {@link #quantizedWeights(ModelConfig)}, less the head when it stays full precision. */
    public static List<Weight> quantizedWeights(ModelConfig c, LlamaGraph.Int4 int4) {
        List<Weight> list = new ArrayList<>();
        for (Weight w : quantizedWeights(c)) {
            if (int4.quantizedHead() || !w.name().equals(headName(c))) {
                list.add(w);
            }
        }
        return list;
    }

    /** The weights {@code int4} keeps in full precision: embedding lookup, norms, and the head when not quantized. */
    public static List<Weight> unquantizedWeights(ModelConfig c, LlamaGraph.Int4 int4) {
        List<Weight> list = unquantizedWeights(c);
        if (!int4.quantizedHead() && !c.tieWordEmbeddings()) {
            list.add(new Weight(headName(c), new long[] {c.vocabSize(), c.hiddenSize()}));
        }
        return list;
    }

    static String headName(ModelConfig c) {
        return c.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
    }

    /** The weights a 4-bit graph keeps in full precision: embedding lookup and norms. */
    public static List<Weight> unquantizedWeights(ModelConfig c) {
        List<Weight> list = new ArrayList<>();
        for (Weight w : weights(c)) {
            if (w.shape().length == 1 || w.name().equals("model.embed_tokens.weight")) {
                list.add(w);
            }
        }
        return list;
    }

    /** The checkpoint tensors a decoder of this shape reads, in graph order. */
    public static List<Weight> weights(ModelConfig c) {
        List<Weight> list = new ArrayList<>();
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        list.add(new Weight("model.embed_tokens.weight", new long[] {c.vocabSize(), h}));
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            list.add(new Weight(p + "input_layernorm.weight", new long[] {h}));
            list.add(new Weight(p + "self_attn.q_proj.weight", new long[] {q, h}));
            list.add(new Weight(p + "self_attn.k_proj.weight", new long[] {kv, h}));
            list.add(new Weight(p + "self_attn.v_proj.weight", new long[] {kv, h}));
            list.add(new Weight(p + "self_attn.o_proj.weight", new long[] {h, q}));
            list.add(new Weight(p + "post_attention_layernorm.weight", new long[] {h}));
            list.add(new Weight(p + "mlp.gate_proj.weight", new long[] {c.intermediateSize(), h}));
            list.add(new Weight(p + "mlp.up_proj.weight", new long[] {c.intermediateSize(), h}));
            list.add(new Weight(p + "mlp.down_proj.weight", new long[] {h, c.intermediateSize()}));
        }
        list.add(new Weight("model.norm.weight", new long[] {h}));
        if (!c.tieWordEmbeddings()) {
            list.add(new Weight("lm_head.weight", new long[] {c.vocabSize(), h}));
        }
        return list;
    }

    /**
     * Whether the graph of {@code span} declares the initializer {@code name} ({@code int4} null for
     * a full-precision graph): a layer's weights in their span, the embedding lookup in the first,
     * the final norm and the head in the last (a tied, full-precision head is the embedding itself,
     * then in both).
     */
    public static boolean inSpan(ModelConfig c, LlamaGraph.Int4 int4, LlamaGraph.Span span, String name) {
        String base = name;
        for (String suffix : List.of(LlamaGraph.Q4, LlamaGraph.SCALES, LlamaGraph.ZERO_POINTS)) {
            if (name.endsWith(suffix)) {
                base = name.substring(0, name.length() - suffix.length());
            }
        }
        boolean last = span.to() == c.numLayers();
        if (base.startsWith("model.layers.")) {
            int layer = Integer.parseInt(base.substring("model.layers.".length(), base.indexOf('.', "model.layers.".length())));
            return layer >= span.from() && layer < span.to();
        }
        boolean quantizedHead = int4 != null && int4.quantizedHead();
        if (name.equals("model.embed_tokens.weight")) {
            return span.from() == 0 || (last && c.tieWordEmbeddings() && !quantizedHead);
        }
        // the final norm, the head (lm_head or, tied and 4-bit, the embedding's codes)
        return last;
    }
}
