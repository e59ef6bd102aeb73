package dev.autoj.onnx.internal.graph;

import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.QuantizedLinear;
import dev.autoj.onnx.internal.graph.LlamaWeights.Weight;
import dev.autoj.onnx.internal.graph.OnnxGraph.Attr;
import dev.autoj.onnx.internal.graph.OnnxGraph.ElemType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The ONNX graph of a LLaMA-family decoder with a key/value cache.
 *
 * <p>The step graph ({@link #build}, {@link #buildInt4}) reads its key/value cache in place: inputs
 * {@code input_ids} and {@code position_ids} (int64 [batch, seq]), {@code cache_key.L} and
 * {@code cache_value.L} (float [batch, kv_heads, capacity, head_dim]; the keys are scored through a
 * {@code Transpose} that ONNX Runtime folds into the {@code MatMul}, a {@code FusedMatMul} reading them as they lie),
 * buffers the caller owns and appends to; {@code attention_bias} (float [batch, 1, seq,
 * capacity+seq], 0 where a query may attend, a large negative number where it may not, over the
 * cache's slots and then the step's own tokens; the caller builds the causal mask, which leaves
 * room for padded batches and slots not yet filled); {@code logits_positions} (int64 [n], which
 * sequence positions need logits: all of them for a test, the last one while generating).
 * Outputs: {@code logits} (float [batch, n, vocab]) and only the step's own {@code new_key.L} and
 * {@code new_value.L} (float [batch, kv_heads, seq, head_dim]), which the caller copies into its
 * buffers. Nothing copies the cache per token: a cache that is concatenated with the step's keys
 * (as the Loop body of {@link GenerationGraph} does, where ONNX Runtime owns it) is read and
 * written whole at every token, which at 13B and 1,000 tokens of context is 85 MB a layer.
 *
 * <p>Weights are initializers named as in the checkpoint, supplied at load time (external data),
 * kept in the Hugging Face {@code [out, in]} layout and multiplied with {@code Gemm transB=1}, so
 * a checkpoint already in the session's element type needs no copy. fp16 weights are cast to
 * fp32 inside the graph: the CPU execution provider computes in fp32. In a 4-bit graph
 * ({@link #buildInt4}) the linear layers are {@code com.microsoft.MatMulNBits} over packed
 * weights (the output head too unless {@link Int4#quantizedHead()} is false, as for GPTQ), act-order
 * layers read their inputs through a {@code Gather} by an order initializer, and the rest stays fp32.
 *
 * <p>Batches: every row has its own position ids and its own rows of {@code attention_bias}, so
 * left-padded prompts and finished sequences are masked per row.
 *
 * <p>Attention uses plain ONNX operators (MatMul, Softmax) rather than
 * {@code com.microsoft.GroupQueryAttention}: the plain form accepts any head size, takes an
 * explicit mask and is easy to check against a reference. For grouped-query attention the step
 * graph folds each key/value head's query heads into one MatMul (no copy of the cache); the Loop
 * body repeats key/value heads by Expand. RMSNorm is
 * {@code SimplifiedLayerNormalization} of the default domain (an ONNX Runtime kernel).
 */
public final class LlamaGraph {

    /** Names of the rotary cos/sin tables stored in the model bytes. */
    static final String ROPE_COS = "autoj.rope.cos";
    static final String ROPE_SIN = "autoj.rope.sin";
    static final int OPSET = 17;

    /**
     * Linear layers as {@code com.microsoft.MatMulNBits} with 4-bit weights. The graph reads, for
     * each weight W of {@link LlamaWeights#quantizedWeights}, the initializers {@code W.q4} (uint8 [out, blocks,
     * blockSize/2]), {@code W.scales} (float [out·blocks]) and, with {@code zeroPoints},
     * {@code W.zp} (uint8 [out·ceil(blocks/2)]), laid out as in
     * {@link dev.autoj.onnx.internal.checkpoint.QuantizedLinear}.
     *
     * @param accuracyLevel MatMulNBits' {@code accuracy_level}: 0 computes in fp32 from dequantized
     *     weights, 4 quantizes activations to int8 per block and uses integer dot products
     */
    public record Int4(int blockSize, int accuracyLevel, boolean zeroPoints, boolean quantizedHead,
            SortedMap<String, String> inputOrders) {

        /**
         * With {@code quantizedHead} false the output head stays a full-precision initializer (a
         * GPTQ checkpoint keeps {@code lm_head} in fp16). {@code inputOrders} maps a weight to the
         * int64 [in] initializer holding the order in which its MatMulNBits reads the inputs
         * (GPTQ act-order): the graph gathers the activations by it first, once per input and
         * order, so layers that share both (q/k/v, gate/up) share one Gather.
         */
        public Int4 {
            inputOrders = Collections.unmodifiableSortedMap(new TreeMap<>(inputOrders));
        }

        /** Every linear layer and the head quantized, inputs in their order. */
        public Int4(int blockSize, int accuracyLevel, boolean zeroPoints) {
            this(blockSize, accuracyLevel, zeroPoints, true, new TreeMap<>());
        }
    }

    /** Suffixes of the initializers that replace a 4-bit weight. */
    public static final String Q4 = ".q4";
    public static final String SCALES = ".scales";
    public static final String ZERO_POINTS = ".zp";

    private final ModelConfig config;
    /** Element type of the weight initializers (for a 4-bit graph: of the full-precision ones and the scales). */
    private final ElemType weightType;
    /** Element type activations and the key/value cache are computed in: FLOAT, or FLOAT16 for the CUDA graph. */
    final ElemType compute;
    private final Int4 int4;
    /** The graph holding the weights and everything computed from weights alone (done once per session). */
    private final OnnxGraph outer;
    /** The graph the decoder's per-token nodes go into: {@code outer} itself, or a Loop body. */
    private final OnnxGraph g;
    /** True for the step graph: the cache is read in place from caller-owned buffers (see the class doc). */
    private final boolean inPlaceCache;
    private final Map<String, String> castWeights = new HashMap<>();
    private final Set<String> quantized = new HashSet<>();
    /** Activations already gathered into an act-order, by activation and order initializer. */
    private final Map<String, String> gathered = new HashMap<>();
    private String ropeCos = ROPE_COS;
    private String ropeSin = ROPE_SIN;

    private LlamaGraph(ModelConfig config, ElemType weightType, Int4 int4) {
        this(config, weightType, int4, ElemType.FLOAT, new OnnxGraph(), null, true);
    }

    /**
     * A decoder whose weights live in {@code outer} and whose per-token nodes go into {@code body}
     * ({@code outer} when null). A Loop body must not hold the weights: ONNX Runtime fills external
     * initializers of the main graph only, so the body reads them as outer-scope values.
     */
    LlamaGraph(ModelConfig config, ElemType weightType, Int4 int4, ElemType compute, OnnxGraph outer, OnnxGraph body) {
        this(config, weightType, int4, compute, outer, body, false);
    }

    private LlamaGraph(ModelConfig config, ElemType weightType, Int4 int4, ElemType compute, OnnxGraph outer, OnnxGraph body,
            boolean inPlaceCache) {
        this.inPlaceCache = inPlaceCache;
        this.config = config;
        this.weightType = weightType;
        this.int4 = int4;
        this.compute = compute;
        this.outer = outer;
        this.g = body == null ? outer : body;
    }

    /**
     * The layers a step-decoder graph holds, {@code from} (inclusive) to {@code to} (exclusive). The
     * first span takes {@code input_ids} and embeds them; a later one takes {@code hidden_in}
     * [batch, seq, hidden] instead. The last span ends in the final norm and the output head
     * ({@code logits_positions} in, {@code logits} out); an earlier one outputs {@code hidden_out}
     * [batch, seq, hidden]. Each span has the {@code past_*}/{@code present_*} of its own layers.
     * Two spans that split the layers are two sessions that ONNX Runtime can create, and prepack, on
     * two threads at once; run one after the other they compute exactly what the whole graph computes.
     */
    public record Span(int from, int to) {

        /** Every layer: the whole step decoder. */
        public static Span whole(ModelConfig c) {
            return new Span(0, c.numLayers());
        }
    }

    /** The serialized model for {@code config} with weights of element type {@code weightType}. */
    public static byte[] build(ModelConfig config, ElemType weightType) {
        return build(config, weightType, Span.whole(config));
    }

    /** As {@link #build(ModelConfig, ElemType)}, the layers of {@code span}. */
    public static byte[] build(ModelConfig config, ElemType weightType, Span span) {
        if (weightType == ElemType.INT64) {
            throw new IllegalArgumentException("weights are FLOAT or FLOAT16");
        }
        return new LlamaGraph(config, weightType, null).build(span);
    }

    /** The serialized model with 4-bit linear layers and fp32 embedding and norms. */
    public static byte[] buildInt4(ModelConfig config, Int4 int4) {
        return buildInt4(config, int4, Span.whole(config));
    }

    /** As {@link #buildInt4(ModelConfig, Int4)}, the layers of {@code span}. */
    public static byte[] buildInt4(ModelConfig config, Int4 int4, Span span) {
        if (int4.blockSize() < 16 || Integer.bitCount(int4.blockSize()) != 1) {
            throw new IllegalArgumentException("block size must be a power of two of at least 16, got " + int4.blockSize());
        }
        return new LlamaGraph(config, ElemType.FLOAT, int4).build(span);
    }

    private byte[] build(Span span) {
        int d = config.headDim();
        boolean first = span.from() == 0;
        boolean last = span.to() == config.numLayers();
        declareWeights(name -> LlamaWeights.inSpan(config, int4, span, name));
        if (first) {
            g.input("input_ids", ElemType.INT64, "batch", "seq");
        } else {
            g.input("hidden_in", compute, "batch", "seq", config.hiddenSize());
        }
        g.input("position_ids", ElemType.INT64, "batch", "seq");
        g.input("attention_bias", ElemType.FLOAT, "batch", 1, "seq", "slots");
        if (last) {
            g.input("logits_positions", ElemType.INT64, "n");
        }
        List<String> cacheK = new ArrayList<>();
        List<String> cacheV = new ArrayList<>();
        List<String> newK = new ArrayList<>();
        List<String> newV = new ArrayList<>();
        for (int l = span.from(); l < span.to(); l++) {
            g.input("cache_key." + l, ElemType.FLOAT, "batch", config.numKvHeads(), "capacity", d);
            g.input("cache_value." + l, ElemType.FLOAT, "batch", config.numKvHeads(), "capacity", d);
            cacheK.add("cache_key." + l);
            cacheV.add("cache_value." + l);
            newK.add("new_key." + l);
            newV.add("new_value." + l);
        }
        if (last) {
            g.output("logits", ElemType.FLOAT, "batch", "n", config.vocabSize());
        } else {
            g.output("hidden_out", compute, "batch", "seq", config.hiddenSize());
        }
        for (int l = span.from(); l < span.to(); l++) {
            g.output("new_key." + l, ElemType.FLOAT, "batch", config.numKvHeads(), "seq", d);
            g.output("new_value." + l, ElemType.FLOAT, "batch", config.numKvHeads(), "seq", d);
        }
        String h = layers(first ? embed("input_ids") : "hidden_in", "position_ids",
                scores -> g.op("Add", List.of(scores, "attention_bias")), span.from(), span.to(), cacheK, cacheV, newK, newV);
        if (last) {
            String selected = g.op("Gather", List.of(h, "logits_positions"), Attr.i("axis", 1));
            g.named("", "Identity", List.of(logits(selected)), List.of("logits"));
        } else {
            g.named("", "Identity", List.of(h), List.of("hidden_out"));
        }
        return g.toModel("llama_decoder", OPSET);
    }

    /** Declares every weight (external initializers) and the rotary tables in the outer graph. */
    void declareWeights() {
        declareWeights(name -> true);
    }

    /** As {@link #declareWeights()}, only the initializers {@code wanted} accepts (by initializer name). */
    private void declareWeights(java.util.function.Predicate<String> wanted) {
        if (int4 == null) {
            for (Weight w : LlamaWeights.weights(config)) {
                if (wanted.test(w.name())) {
                    outer.externalInitializer(w.name(), weightType, w.shape());
                }
            }
        } else {
            for (Weight w : LlamaWeights.unquantizedWeights(config, int4)) {
                if (wanted.test(w.name())) {
                    outer.externalInitializer(w.name(), weightType, w.shape());
                }
            }
            for (String order : new LinkedHashSet<>(int4.inputOrders().values())) {
                String user = int4.inputOrders().entrySet().stream().filter(e -> e.getValue().equals(order))
                        .findFirst().orElseThrow().getKey();
                outer.externalInitializer(order, ElemType.INT64, new long[] {weightShapeIn(user)});
            }
            for (Weight w : LlamaWeights.quantizedWeights(config, int4)) {
                if (wanted.test(w.name() + Q4)) {
                    declareQuantized(w);
                }
            }
        }
        ropeTables();
        if (compute != ElemType.FLOAT) {
            ropeCos = outer.op("Cast", List.of(ROPE_COS), Attr.i("to", compute.code));
            ropeSin = outer.op("Cast", List.of(ROPE_SIN), Attr.i("to", compute.code));
        }
    }

    /**
     * The decoder layers over {@code ids} at {@code positions} (int64 [batch, seq]), after the cache
     * {@code pastK}/{@code pastV} (one per layer, [batch, kv_heads, past, head_dim] in the compute
     * type); writes each layer's grown cache to the names {@code presentK}/{@code presentV} and
     * returns the last hidden states [batch, seq, hidden] before the final norm. {@code mask} turns
     * raw attention scores [batch, heads, seq, past+seq] into masked ones.
     */
    String decoder(String ids, String positions, java.util.function.UnaryOperator<String> mask, List<String> pastK,
            List<String> pastV, List<String> presentK, List<String> presentV) {
        return layers(embed(ids), positions, mask, 0, config.numLayers(), pastK, pastV, presentK, presentV);
    }

    /** The embedding rows of {@code ids}. */
    private String embed(String ids) {
        return g.op("Gather", List.of(weight("model.embed_tokens.weight"), ids), Attr.i("axis", 0));
    }

    /** Layers {@code from} to {@code to} over hidden states {@code h}; the cache lists hold those layers' names, in order. */
    private String layers(String h, String positions, java.util.function.UnaryOperator<String> mask, int from, int to,
            List<String> pastK, List<String> pastV, List<String> presentK, List<String> presentV) {
        String cos = g.op("Unsqueeze", List.of(g.op("Gather", List.of(ropeCos, positions)), g.constInt64(1)));
        String sin = g.op("Unsqueeze", List.of(g.op("Gather", List.of(ropeSin, positions)), g.constInt64(1)));
        for (int l = from; l < to; l++) {
            int i = l - from;
            h = layer(l, h, cos, sin, mask, pastK.get(i), pastV.get(i), presentK.get(i), presentV.get(i));
        }
        return h;
    }

    /** A 4-bit weight's codes, scales and zero points as external initializers. */
    private void declareQuantized(Weight w) {
        quantized.add(w.name());
        long out = w.shape()[0];
        long in = w.shape()[1];
        outer.externalInitializer(w.name() + Q4, ElemType.UINT8, QuantizedLinear.codesShape(out, in, int4.blockSize()));
        // MatMulNBits takes scales of its activations' type
        outer.externalInitializer(w.name() + SCALES, weightType, QuantizedLinear.scalesShape(out, in, int4.blockSize()));
        if (int4.zeroPoints()) {
            outer.externalInitializer(w.name() + ZERO_POINTS, ElemType.UINT8, QuantizedLinear.zeroPointsShape(out, in, int4.blockSize()));
        }
    }

    /** Final norm and output head over hidden states [..., hidden]: fp32 logits [..., vocab]. */
    String logits(String hidden) {
        String normed = rmsNorm(hidden, "model.norm.weight");
        String logits = linear(normed, LlamaWeights.headName(config), config.vocabSize());
        // fp16 logits tie far more often than fp32 ones; the greedy choice is made on fp32
        return compute == ElemType.FLOAT ? logits : g.op("Cast", List.of(logits), Attr.i("to", ElemType.FLOAT.code));
    }

    private String layer(int l, String h, String cos, String sin, java.util.function.UnaryOperator<String> mask,
            String pastK, String pastV, String presentK, String presentV) {
        String p = "model.layers." + l + ".";
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int d = config.headDim();
        String x = rmsNorm(h, p + "input_layernorm.weight");
        String q = heads(linear(x, p + "self_attn.q_proj.weight", heads * d), heads);
        String k = heads(linear(x, p + "self_attn.k_proj.weight", kvHeads * d), kvHeads);
        String v = heads(linear(x, p + "self_attn.v_proj.weight", kvHeads * d), kvHeads);
        q = rotate(q, cos, sin);
        k = rotate(k, cos, sin);
        String merged = inPlaceCache ? attendInPlace(q, k, v, mask, pastK, pastV, presentK, presentV)
                : attendConcatenated(q, k, v, mask, pastK, pastV, presentK, presentV);
        h = g.op("Add", List.of(h, linear(merged, p + "self_attn.o_proj.weight", config.hiddenSize())));

        String y = rmsNorm(h, p + "post_attention_layernorm.weight");
        String gate = linear(y, p + "mlp.gate_proj.weight", config.intermediateSize());
        String up = linear(y, p + "mlp.up_proj.weight", config.intermediateSize());
        String act = g.op("Mul", List.of(g.op("Mul", List.of(gate, g.op("Sigmoid", List.of(gate)))), up));
        return g.op("Add", List.of(h, linear(act, p + "mlp.down_proj.weight", config.hiddenSize())));
    }

    /**
     * Attention over a cache concatenated with the step's keys and values (the Loop body): writes
     * the grown cache to {@code presentK}/{@code presentV}; returns [batch, seq, heads·d].
     */
    private String attendConcatenated(String q, String k, String v, java.util.function.UnaryOperator<String> mask,
            String pastK, String pastV, String presentK, String presentV) {
        int heads = config.numHeads();
        int d = config.headDim();
        g.named("", "Concat", List.of(pastK, k), List.of(presentK), Attr.i("axis", 2));
        g.named("", "Concat", List.of(pastV, v), List.of(presentV), Attr.i("axis", 2));
        String keys = repeatKv(presentK);
        String values = repeatKv(presentV);
        String keysT = g.op("Transpose", List.of(keys), Attr.ints("perm", 0, 1, 3, 2));
        String scores = g.op("Mul", List.of(g.op("MatMul", List.of(q, keysT)), g.constScalar(compute, (float) (1.0 / Math.sqrt(d)))));
        String probs = g.op("Softmax", List.of(mask.apply(scores)), Attr.i("axis", -1));
        String context = g.op("MatMul", List.of(probs, values));
        return g.op("Reshape", List.of(g.op("Transpose", List.of(context), Attr.ints("perm", 0, 2, 1, 3)),
                g.constInt64(0, 0, (long) heads * d)));
    }

    /**
     * Attention over a caller-owned cache read in place ({@code cacheK} and {@code cacheV} [batch,
     * kv, capacity, d]) and the step's own keys and values, which go out as {@code newK} and
     * {@code newV} [batch, kv, seq, d], each head's a block the caller copies whole. The scores over
     * the cache and over the step are computed apart and joined (only scores are copied, never the
     * cache); the keys are transposed only as a MatMul operand, which ONNX Runtime's
     * Transpose-MatMul fusion turns into a {@code FusedMatMul} with {@code transB} (no copy); the
     * query heads that share a key/value head are one MatMul's rows. Returns [batch, seq, heads·d].
     */
    private String attendInPlace(String q, String k, String v, java.util.function.UnaryOperator<String> mask,
            String cacheK, String cacheV, String newK, String newV) {
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int d = config.headDim();
        g.named("", "Identity", List.of(k), List.of(newK));
        g.named("", "Identity", List.of(v), List.of(newV));
        // [batch, heads, seq, d] -> [batch, kv, group*seq, d]: head h reads key/value head h / group
        String grouped = g.op("Reshape", List.of(q, g.constInt64(0, kvHeads, -1, d)));
        String overCache = g.op("MatMul", List.of(grouped, g.op("Transpose", List.of(cacheK), Attr.ints("perm", 0, 1, 3, 2))));
        String overStep = g.op("MatMul", List.of(grouped, g.op("Transpose", List.of(k), Attr.ints("perm", 0, 1, 3, 2))));
        String joined = g.op("Concat", List.of(overCache, overStep), Attr.i("axis", -1));
        String scaled = g.op("Mul", List.of(joined, g.constScalar(compute, (float) (1.0 / Math.sqrt(d)))));
        // [batch, kv, group*seq, slots] -> [batch, heads, seq, slots] for the mask, and back
        String scores = g.op("Reshape", List.of(scaled, g.constInt64(0, heads, -1, 0)));
        String probs = g.op("Reshape", List.of(g.op("Softmax", List.of(mask.apply(scores)), Attr.i("axis", -1)),
                g.constInt64(0, kvHeads, -1, 0)));
        String capacity = g.op("Shape", List.of(cacheV), Attr.i("start", 2), Attr.i("end", 3));
        String minusOne = g.constInt64(-1);
        String onCache = g.op("Slice", List.of(probs, g.constInt64(0), capacity, minusOne));
        String onStep = g.op("Slice", List.of(probs, capacity, g.constInt64(Long.MAX_VALUE), minusOne));
        String context = g.op("Add", List.of(g.op("MatMul", List.of(onCache, cacheV)), g.op("MatMul", List.of(onStep, v))));
        // [batch, kv, group*seq, d] -> [batch, heads, seq, d] -> [batch, seq, heads*d]
        String perHead = g.op("Reshape", List.of(context, g.constInt64(0, heads, -1, d)));
        return g.op("Reshape", List.of(g.op("Transpose", List.of(perHead), Attr.ints("perm", 0, 2, 1, 3)),
                g.constInt64(0, 0, (long) heads * d)));
    }

    /** [batch, seq, heads*d] → [batch, heads, seq, d]. */
    private String heads(String x, int n) {
        String split = g.op("Reshape", List.of(x, g.constInt64(0, 0, n, config.headDim())));
        return g.op("Transpose", List.of(split), Attr.ints("perm", 0, 2, 1, 3));
    }

    /** Hugging Face's rotate-half convention: x·cos + concat(−x₂, x₁)·sin. */
    private String rotate(String x, String cos, String sin) {
        long half = config.headDim() / 2;
        List<String> parts = g.opIn("", "Split", 2, List.of(x, g.constInt64(half, half)), Attr.i("axis", -1));
        String rotated = g.op("Concat", List.of(g.op("Neg", List.of(parts.get(1))), parts.get(0)), Attr.i("axis", -1));
        return g.op("Add", List.of(g.op("Mul", List.of(x, cos)), g.op("Mul", List.of(rotated, sin))));
    }

    /** [batch, kv, t, d] → [batch, kv·group, t, d], each key/value head serving {@code group} query heads. */
    private String repeatKv(String kv) {
        int group = config.groupSize();
        if (group == 1) {
            return kv;
        }
        String expanded = g.op("Expand", List.of(g.op("Unsqueeze", List.of(kv, g.constInt64(2))),
                g.constInt64(1, 1, group, 1, 1)));
        return g.op("Reshape", List.of(expanded, g.constInt64(0, config.numHeads(), -1, config.headDim())));
    }

    private String rmsNorm(String x, String weightName) {
        return g.op("SimplifiedLayerNormalization", List.of(x, weight(weightName)),
                Attr.i("axis", -1), Attr.f("epsilon", (float) config.rmsNormEps()), Attr.i("stash_type", 1));
    }

    /** x·Wᵀ for a checkpoint weight W of shape [out, in]; x is [batch, seq, in]. */
    private String linear(String x, String weightName, long out) {
        if (quantized.contains(weightName)) {
            String order = int4.inputOrders().get(weightName);
            String fed = order == null ? x : gathered.computeIfAbsent(x + "\u0000" + order,
                    key -> g.op("Gather", List.of(x, order), Attr.i("axis", -1)));
            List<String> in = new ArrayList<>(List.of(fed, weightName + Q4, weightName + SCALES));
            if (int4.zeroPoints()) {
                in.add(weightName + ZERO_POINTS);
            }
            return g.opIn("com.microsoft", "MatMulNBits", 1, in, Attr.i("K", weightShapeIn(weightName)), Attr.i("N", out),
                    Attr.i("bits", 4), Attr.i("block_size", int4.blockSize()),
                    Attr.i("accuracy_level", int4.accuracyLevel())).get(0);
        }
        String flat = g.op("Reshape", List.of(x, g.constInt64(-1, weightShapeIn(weightName))));
        String product = g.op("Gemm", List.of(flat, weight(weightName)), Attr.i("transB", 1));
        String leading = g.op("Shape", List.of(x), Attr.i("end", -1));
        String shape = g.op("Concat", List.of(leading, g.constInt64(out)), Attr.i("axis", 0));
        return g.op("Reshape", List.of(product, shape));
    }

    private long weightShapeIn(String weightName) {
        for (Weight w : LlamaWeights.quantizedWeights(config)) {
            if (w.name().equals(weightName)) {
                return w.shape()[1];
            }
        }
        throw new IllegalStateException("no weight " + weightName);
    }

    /**
     * The weight in the compute type: the initializer itself, or one Cast of it shared by all
     * users, placed in the outer graph so that ONNX Runtime folds it once when the session starts
     * (in a Loop body it would run on every token).
     */
    private String weight(String name) {
        if (weightType == compute) {
            return name;
        }
        return castWeights.computeIfAbsent(name, n -> outer.op("Cast", List.of(n), Attr.i("to", compute.code)));
    }

    /** cos and sin of position·θ^(−2i/d), duplicated over both halves as Hugging Face lays them out. */
    private void ropeTables() {
        int d = config.headDim();
        int positions = config.contextWindow();
        float[] cos = new float[positions * d];
        float[] sin = new float[positions * d];
        for (int i = 0; i < d / 2; i++) {
            double invFreq = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / d);
            for (int pos = 0; pos < positions; pos++) {
                double angle = pos * invFreq;
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[pos * d + i] = c;
                cos[pos * d + i + d / 2] = c;
                sin[pos * d + i] = s;
                sin[pos * d + i + d / 2] = s;
            }
        }
        outer.floatInitializer(ROPE_COS, new long[] {positions, d}, cos);
        outer.floatInitializer(ROPE_SIN, new long[] {positions, d}, sin);
    }
}
