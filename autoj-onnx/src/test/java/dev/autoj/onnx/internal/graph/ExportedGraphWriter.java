package dev.autoj.onnx.internal.graph;

import dev.autoj.onnx.internal.graph.OnnxGraph.Attr;
import dev.autoj.onnx.internal.graph.OnnxGraph.ElemType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a LLaMA decoder in the shape other exporters give it, for tests that cannot download one:
 * Optimum's and onnxruntime-genai's input/output names ({@code input_ids}, {@code attention_mask},
 * optional {@code position_ids} and {@code use_cache_branch}, {@code past_key_values.L.key},
 * outputs {@code logits} for every position and {@code present.L.key}), the causal mask and the
 * rotary angles computed inside the graph from the 0/1 mask and positions ({@code use_cache_branch}
 * checked against the past's length instead of choosing a branch), and the weights as
 * ONNX external data in a file beside the model, as those exporters store big models.
 *
 * <p>Built from plain ONNX operators with this project's {@link OnnxGraph}, sharing no code with
 * {@link LlamaGraph}: where both agree with the double-precision reference, each checks the other.
 */
public final class ExportedGraphWriter {

    /** Names and inputs of the graph to write. */
    public record Naming(String pastKey, String pastValue, String presentKey, String presentValue, boolean positionIds,
            boolean useCacheBranch, boolean halfCache) {

        public static Naming optimum(boolean positionIds, boolean useCacheBranch) {
            return new Naming("past_key_values.%d.key", "past_key_values.%d.value", "present.%d.key", "present.%d.value",
                    positionIds, useCacheBranch, false);
        }

        /** The same graph with a float16 key/value cache (as an fp16 export has). */
        public Naming withHalfCache() {
            return new Naming(pastKey, pastValue, presentKey, presentValue, positionIds, useCacheBranch, true);
        }
    }

    /** The decoder's dimensions (as in config.json). */
    public record Shape(int vocab, int hidden, int intermediate, int heads, int kvHeads, int layers, double ropeTheta,
            double rmsEps, boolean tied) {

        int headDim() {
            return hidden / heads;
        }
    }

    private static final long BOOL = 9;

    private final Shape s;
    private final Naming naming;
    private final OnnxGraph g = new OnnxGraph();

    private ExportedGraphWriter(Shape shape, Naming naming) {
        this.s = shape;
        this.naming = naming;
    }

    /**
     * Writes {@code modelFile} and its external data {@code dataFile} (same folder) holding
     * {@code weights} (checkpoint names, row-major, Hugging Face [out, in] layout).
     */
    public static void write(Path modelFile, String dataFile, Shape shape, Naming naming, Map<String, float[]> weights,
            Map<String, long[]> shapes) throws IOException {
        byte[] model = new ExportedGraphWriter(shape, naming).build();
        Proto extra = new Proto();
        long offset = 0;
        try (OutputStream out = Files.newOutputStream(modelFile.resolveSibling(dataFile))) {
            for (Map.Entry<String, float[]> w : weights.entrySet()) {
                float[] values = w.getValue();
                ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : values) {
                    bytes.putFloat(v);
                }
                out.write(bytes.array());
                Proto tensor = new Proto();
                for (long d : shapes.get(w.getKey())) {
                    tensor.varint(1, d);
                }
                tensor.varint(2, 1).string(8, w.getKey())
                        .message(13, new Proto().string(1, "location").string(2, dataFile))
                        .message(13, new Proto().string(1, "offset").string(2, Long.toString(offset)))
                        .message(13, new Proto().string(1, "length").string(2, Long.toString(values.length * 4L)))
                        .varint(14, 1);
                extra.message(5, tensor);
                offset += values.length * 4L;
            }
        }
        if (naming.useCacheBranch()) {
            // OnnxGraph has no bool type; a boolean [1] input written by hand
            Proto dim = new Proto().message(1, new Proto().varint(1, 1));
            Proto type = new Proto().message(1, new Proto().varint(1, BOOL).message(2, dim));
            extra.message(11, new Proto().string(1, "use_cache_branch").message(2, type));
        }
        // A protobuf parser merges a repeated embedded message field: this second GraphProto adds
        // the initializers (and input) to the first.
        byte[] tail = new Proto().message(7, extra).toByteArray();
        byte[] all = new byte[model.length + tail.length];
        System.arraycopy(model, 0, all, 0, model.length);
        System.arraycopy(tail, 0, all, model.length, tail.length);
        Files.write(modelFile, all);
    }

    private byte[] build() {
        int d = s.headDim();
        g.input("input_ids", ElemType.INT64, "batch", "seq");
        g.input("attention_mask", ElemType.INT64, "batch", "total");
        if (naming.positionIds()) {
            g.input("position_ids", ElemType.INT64, "batch", "seq");
        }
        ElemType cache = naming.halfCache() ? ElemType.FLOAT16 : ElemType.FLOAT;
        for (int l = 0; l < s.layers(); l++) {
            g.input(String.format(naming.pastKey(), l), cache, "batch", s.kvHeads(), "past", d);
            g.input(String.format(naming.pastValue(), l), cache, "batch", s.kvHeads(), "past", d);
        }
        g.output("logits", ElemType.FLOAT, "batch", "seq", s.vocab());
        for (int l = 0; l < s.layers(); l++) {
            g.output(String.format(naming.presentKey(), l), cache, "batch", s.kvHeads(), "total", d);
            g.output(String.format(naming.presentValue(), l), cache, "batch", s.kvHeads(), "total", d);
        }
        String seqLen = g.op("Shape", List.of("input_ids"), Attr.i("start", 1), Attr.i("end", 2));
        String totalLen = g.op("Shape", List.of("attention_mask"), Attr.i("start", 1), Attr.i("end", 2));
        String positions;
        if (naming.positionIds()) {
            positions = "position_ids";
        } else {
            // a left-padded row counts only its real tokens, as Optimum's exports without position_ids do
            String counted = g.op("Sub", List.of(g.op("CumSum", List.of("attention_mask", g.constInt64(1))), g.constInt64(1)));
            positions = g.op("Slice", List.of(counted, g.op("Neg", List.of(seqLen)), g.constInt64(Long.MAX_VALUE),
                    g.constInt64(1)));
        }
        float[] inverse = new float[d / 2];
        for (int i = 0; i < d / 2; i++) {
            inverse[i] = (float) Math.pow(s.ropeTheta(), -2.0 * i / d);
        }
        String inverseName = "rope.inverse_frequencies";
        g.floatInitializer(inverseName, new long[] {d / 2}, inverse);
        String angles = g.op("Mul", List.of(g.op("Unsqueeze", List.of(g.op("Cast", List.of(positions), Attr.i("to", 1)),
                g.constInt64(2))), inverseName));
        String full = g.op("Concat", List.of(angles, angles), Attr.i("axis", -1));
        String cos = g.op("Unsqueeze", List.of(g.op("Cos", List.of(full)), g.constInt64(1)));
        String sin = g.op("Unsqueeze", List.of(g.op("Sin", List.of(full)), g.constInt64(1)));

        String total = g.op("Squeeze", List.of(totalLen));
        String past = g.op("Squeeze", List.of(g.op("Sub", List.of(totalLen, seqLen))));
        String one = g.op("Squeeze", List.of(g.constInt64(1)));
        String zero = g.op("Squeeze", List.of(g.constInt64(0)));
        String rows = g.op("Range", List.of(past, total, one));
        String cols = g.op("Range", List.of(zero, total, one));
        String causal = g.op("LessOrEqual", List.of(g.op("Unsqueeze", List.of(cols, g.constInt64(0))),
                g.op("Unsqueeze", List.of(rows, g.constInt64(1)))));
        String present = g.op("Cast", List.of(g.op("Unsqueeze", List.of("attention_mask", g.constInt64(1, 2)))),
                Attr.i("to", BOOL));
        String bias = g.op("Where", List.of(g.op("And", List.of(causal, present)), g.constFloat(0f), g.constFloat(-1e9f)));

        String h = g.op("Gather", List.of("model.embed_tokens.weight", "input_ids"), Attr.i("axis", 0));
        for (int l = 0; l < s.layers(); l++) {
            h = layer(l, h, cos, sin, bias);
        }
        String head = s.tied() ? "model.embed_tokens.weight" : "lm_head.weight";
        String logits = linear(norm(h, "model.norm.weight"), head);
        if (naming.useCacheBranch()) {
            // Optimum's merged graph picks a branch by this flag; here a flag that disagrees with
            // the past's length negates the logits, so a caller feeding it wrongly is caught
            String hasPast = g.op("Cast", List.of(g.op("Greater", List.of(g.op("Sub", List.of(totalLen, seqLen)),
                    g.constInt64(0)))), Attr.i("to", 1));
            String flag = g.op("Cast", List.of("use_cache_branch"), Attr.i("to", 1));
            String wrong = g.op("Abs", List.of(g.op("Sub", List.of(flag, hasPast))));
            String sign = g.op("Sub", List.of(g.constFloat(1f), g.op("Mul", List.of(wrong, g.constFloat(2f)))));
            logits = g.op("Mul", List.of(logits, sign));
        }
        g.named("", "Identity", List.of(logits), List.of("logits"));
        return g.toModel("exported_decoder", 17);
    }

    private String layer(int l, String h, String cos, String sin, String bias) {
        String p = "model.layers." + l + ".";
        int d = s.headDim();
        String x = norm(h, p + "input_layernorm.weight");
        String q = rotate(heads(linear(x, p + "self_attn.q_proj.weight"), s.heads()), cos, sin);
        String k = rotate(heads(linear(x, p + "self_attn.k_proj.weight"), s.kvHeads()), cos, sin);
        String v = heads(linear(x, p + "self_attn.v_proj.weight"), s.kvHeads());
        String keys = cached(String.format(naming.pastKey(), l), k, String.format(naming.presentKey(), l));
        String values = cached(String.format(naming.pastValue(), l), v, String.format(naming.presentValue(), l));
        String scores = g.op("Div", List.of(g.op("MatMul", List.of(q, g.op("Transpose", List.of(repeat(keys)),
                Attr.ints("perm", 0, 1, 3, 2)))), g.constFloat((float) Math.sqrt(d))));
        String probs = g.op("Softmax", List.of(g.op("Add", List.of(scores, bias))), Attr.i("axis", -1));
        String context = g.op("Transpose", List.of(g.op("MatMul", List.of(probs, repeat(values)))), Attr.ints("perm", 0, 2, 1, 3));
        String merged = g.op("Reshape", List.of(context, g.constInt64(0, 0, (long) s.heads() * d)));
        h = g.op("Add", List.of(h, linear(merged, p + "self_attn.o_proj.weight")));
        String y = norm(h, p + "post_attention_layernorm.weight");
        String gate = linear(y, p + "mlp.gate_proj.weight");
        String act = g.op("Mul", List.of(g.op("Mul", List.of(gate, g.op("Sigmoid", List.of(gate)))),
                linear(y, p + "mlp.up_proj.weight")));
        return g.op("Add", List.of(h, linear(act, p + "mlp.down_proj.weight")));
    }

    /** Past and new keys (or values) as float, with the present output written in the cache's type. */
    private String cached(String past, String fresh, String present) {
        if (!naming.halfCache()) {
            g.named("", "Concat", List.of(past, fresh), List.of(present), Attr.i("axis", 2));
            return present;
        }
        String all = g.op("Concat", List.of(g.op("Cast", List.of(past), Attr.i("to", 1)), fresh), Attr.i("axis", 2));
        g.named("", "Cast", List.of(all), List.of(present), Attr.i("to", 10));
        return all;
    }

    /** [b, s, n·d] → [b, n, s, d]. */
    private String heads(String x, int n) {
        return g.op("Transpose", List.of(g.op("Reshape", List.of(x, g.constInt64(0, 0, n, s.headDim())))),
                Attr.ints("perm", 0, 2, 1, 3));
    }

    private String rotate(String x, String cos, String sin) {
        long half = s.headDim() / 2;
        String first = g.op("Slice", List.of(x, g.constInt64(0), g.constInt64(half), g.constInt64(3)));
        String second = g.op("Slice", List.of(x, g.constInt64(half), g.constInt64(s.headDim()), g.constInt64(3)));
        String turned = g.op("Concat", List.of(g.op("Neg", List.of(second)), first), Attr.i("axis", -1));
        return g.op("Add", List.of(g.op("Mul", List.of(x, cos)), g.op("Mul", List.of(turned, sin))));
    }

    private String repeat(String kv) {
        int group = s.heads() / s.kvHeads();
        if (group == 1) {
            return kv;
        }
        String wide = g.op("Expand", List.of(g.op("Unsqueeze", List.of(kv, g.constInt64(2))), g.constInt64(1, 1, group, 1, 1)));
        return g.op("Reshape", List.of(wide, g.constInt64(0, s.heads(), -1, s.headDim())));
    }

    private String norm(String x, String weight) {
        String meanSquare = g.op("ReduceMean", List.of(g.op("Mul", List.of(x, x))), Attr.ints("axes", -1), Attr.i("keepdims", 1));
        String scale = g.op("Reciprocal", List.of(g.op("Sqrt", List.of(g.op("Add", List.of(meanSquare,
                g.constFloat((float) s.rmsEps())))))));
        return g.op("Mul", List.of(g.op("Mul", List.of(x, scale)), weight));
    }

    private String linear(String x, String weight) {
        return g.op("MatMul", List.of(x, g.op("Transpose", List.of(weight), Attr.ints("perm", 1, 0))));
    }
}
