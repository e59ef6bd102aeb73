package dev.autoj.onnx.internal.graph;

import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.graph.OnnxGraph.Attr;
import dev.autoj.onnx.internal.graph.OnnxGraph.ElemType;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole greedy generation of a batch in one {@code session.run}: an ONNX {@code Loop} whose
 * body is the decoder of {@link LlamaGraph} plus the greedy choice, so the key/value cache stays
 * inside the run (on a GPU: on the device) instead of crossing to the host every token.
 *
 * <p>Inputs: {@code input_ids} (int64 [batch, prompt], prompts left-padded to the longest with any
 * valid id), {@code prompt_mask} (int64 [batch, prompt], 1 for a real token, 0 for padding) and
 * {@code budgets} (int64 [batch], tokens each row may generate, at least 1). Output:
 * {@code tokens} (int64 [steps, batch]), the greedy choice of every row at every step. The loop runs
 * at most {@code max(budgets)} steps and stops early once every row has produced an EOS id (the
 * model's, built in) or reached its budget; a row that stopped keeps computing (decoding reads the
 * weights once for all rows, so that costs little) and the caller cuts each row at its first EOS or
 * its budget.
 *
 * <p>Loop-carried state: the ids to run (the prompt on the first iteration, then each row's last
 * token), their positions (each row counts its real tokens only, so padding takes no position),
 * which cache slots hold real tokens (split into the slots of earlier steps and those of the ids
 * run now), per-row done flags, and the keys and values of every layer. The body builds the
 * attention mask from the valid slots and causality, runs the decoder, takes the last position's
 * logits (fp32), picks {@code ArgMax} (the first maximum, the same tie rule as the step loop's), and
 * sets a row done at an EOS id or at its budget.
 *
 * <p>Weights stay initializers of the main graph, read by the body as outer-scope values:
 * ONNX Runtime fills external initializers ({@code SessionOptions.addExternalInitializers}) in the
 * main graph only.
 *
 * <p>With {@code compute} FLOAT16 (the CUDA graph) activations and the cache are fp16, weights are
 * used as fp16 without widening, the mask value is a finite fp16 number, RMSNorm accumulates in fp32
 * ({@code stash_type} 1) and the logits are cast to fp32 before {@code ArgMax}.
 */
public final class GenerationGraph {

    /** Masked score in fp32: vanishes in softmax, and finite, so a fully masked (padding) row is uniform, not NaN. */
    static final float MASKED_FP32 = -1e30f;
    /**
     * Masked score in fp16: finite (fp16 ends at 65504), with headroom so that softmax's
     * subtraction of the row maximum cannot overflow to infinity; exp(-1e4) is 0 in any precision.
     */
    static final float MASKED_FP16 = -1e4f;

    private GenerationGraph() {
    }

    /**
     * The generation graph with weights of element type {@code weightType} computed in
     * {@code compute} (FLOAT; or FLOAT16 with FLOAT16 weights for CUDA).
     */
    public static byte[] build(ModelConfig config, ElemType weightType, ElemType compute) {
        if (weightType == ElemType.INT64 || weightType == ElemType.UINT8 || weightType == ElemType.BOOL) {
            throw new IllegalArgumentException("weights are FLOAT or FLOAT16, got " + weightType);
        }
        if (compute == ElemType.FLOAT16 && weightType != ElemType.FLOAT16) {
            throw new IllegalArgumentException("an fp16 graph reads fp16 weights (no widening), got " + weightType);
        }
        return new GenerationGraph.Builder(config, weightType, null, compute).build();
    }

    /**
     * The generation graph with 4-bit linear layers; the embedding, norms (and an unquantized head)
     * and the 4-bit scales are of the compute type (FLOAT, or FLOAT16 for CUDA).
     */
    public static byte[] buildInt4(ModelConfig config, LlamaGraph.Int4 int4, ElemType compute) {
        if (int4.blockSize() < 16 || Integer.bitCount(int4.blockSize()) != 1) {
            throw new IllegalArgumentException("block size must be a power of two of at least 16, got " + int4.blockSize());
        }
        return new GenerationGraph.Builder(config, compute, int4, compute).build();
    }

    private static final class Builder {
        private final ModelConfig config;
        private final OnnxGraph outer = new OnnxGraph();
        private final OnnxGraph body = outer.subgraph();
        private final LlamaGraph decoder;
        private final ElemType compute;

        Builder(ModelConfig config, ElemType weightType, LlamaGraph.Int4 int4, ElemType compute) {
            this.config = config;
            this.compute = compute;
            this.decoder = new LlamaGraph(config, weightType, int4, compute, outer, body);
        }

        byte[] build() {
            int layers = config.numLayers();
            int kv = config.numKvHeads();
            int d = config.headDim();
            decoder.declareWeights();
            outer.input("input_ids", ElemType.INT64, "batch", "prompt");
            outer.input("prompt_mask", ElemType.INT64, "batch", "prompt");
            outer.input("budgets", ElemType.INT64, "batch");
            outer.output("tokens", ElemType.INT64, "steps", "batch");

            // initial state: positions count real tokens only (padding gets 0, is masked anyway)
            String positions = outer.op("Max", List.of(
                    outer.op("Sub", List.of(outer.op("CumSum", List.of("prompt_mask", outer.scalarInt64(1))), outer.constInt64(1))),
                    outer.constInt64(0)));
            String promptValid = outer.op("Cast", List.of("prompt_mask"), Attr.i("to", ElemType.BOOL.code));
            String batch = outer.op("Shape", List.of("input_ids"), Attr.i("start", 0), Attr.i("end", 1));
            String noPastValid = outer.op("ConstantOfShape", List.of(outer.op("Concat", List.of(batch, outer.constInt64(0)),
                    Attr.i("axis", 0))), Attr.scalarTensor("value", ElemType.BOOL, new byte[] {0}));
            String notDone = outer.op("ConstantOfShape", List.of(batch), Attr.scalarTensor("value", ElemType.BOOL, new byte[] {0}));
            String emptyCache = outer.op("ConstantOfShape", List.of(outer.op("Concat", List.of(batch, outer.constInt64(kv, 0, d)),
                    Attr.i("axis", 0))), Attr.scalarTensor("value", compute, OnnxGraph.scalarBytes(compute, 0)));
            String steps = outer.op("ReduceMax", List.of("budgets"), Attr.i("keepdims", 0));

            // body signature: iteration, condition, then the carried state in the order of the Loop's inputs
            body.input("iteration", ElemType.INT64);
            body.input("condition", ElemType.BOOL);
            body.input("ids", ElemType.INT64, null, null);
            body.input("positions", ElemType.INT64, null, null);
            body.input("past_valid", ElemType.BOOL, null, null);
            body.input("new_valid", ElemType.BOOL, null, null);
            body.input("done", ElemType.BOOL, (Object) null);
            List<String> pastK = new ArrayList<>();
            List<String> pastV = new ArrayList<>();
            List<String> presentK = new ArrayList<>();
            List<String> presentV = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                body.input("past_key." + l, compute, null, kv, null, d);
                body.input("past_value." + l, compute, null, kv, null, d);
                pastK.add("past_key." + l);
                pastV.add("past_value." + l);
                presentK.add("present_key." + l);
                presentV.add("present_value." + l);
            }

            // mask [batch, 1, seq, past+seq]: key slot valid and not after the query (causal)
            String valid = body.op("Concat", List.of("past_valid", "new_valid"), Attr.i("axis", 1));
            String past = scalarDim(body, "past_valid", 1);
            String total = scalarDim(body, valid, 1);
            String one = body.scalarInt64(1);
            String querySlots = body.op("Range", List.of(past, total, one));
            String keySlots = body.op("Range", List.of(body.scalarInt64(0), total, one));
            String causal = body.op("LessOrEqual", List.of(body.op("Unsqueeze", List.of(keySlots, body.constInt64(0))),
                    body.op("Unsqueeze", List.of(querySlots, body.constInt64(1)))));
            String allowed = body.op("And", List.of(body.op("Unsqueeze", List.of(valid, body.constInt64(1, 2))), causal));
            String masked = body.constScalar(compute, compute == ElemType.FLOAT ? MASKED_FP32 : MASKED_FP16);
            // Where, not an added bias: the masked value is exact, so fp16 cannot overflow to -inf
            // and a padding query whose keys are all masked gets a uniform, finite softmax
            java.util.function.UnaryOperator<String> mask = scores -> body.op("Where", List.of(allowed, scores, masked));

            // rows that ran past the context window (a short budget beside a long one) only compute
            // filler; clamping keeps their rotary lookup inside the table
            String ropePositions = body.op("Min", List.of("positions", body.constInt64(config.contextWindow() - 1)));
            String hidden = decoder.decoder("ids", ropePositions, mask, pastK, pastV, presentK, presentV);
            String last = body.op("Gather", List.of(hidden, body.scalarInt64(-1)), Attr.i("axis", 1));
            String logits = decoder.logits(last);
            String next = body.op("ArgMax", List.of(logits), Attr.i("axis", -1), Attr.i("keepdims", 0),
                    Attr.i("select_last_index", 0));

            List<Integer> eosIds = config.eosIds();
            long[] eos = eosIds.isEmpty() ? new long[] {-1} : eosIds.stream().mapToLong(Integer::longValue).toArray();
            String hits = body.op("Cast", List.of(body.op("Equal", List.of(body.op("Unsqueeze", List.of(next, body.constInt64(1))),
                    body.constInt64(eos)))), Attr.i("to", ElemType.INT64.code));
            String isEos = body.op("Cast", List.of(body.op("ReduceMax", List.of(hits), Attr.ints("axes", 1), Attr.i("keepdims", 0))),
                    Attr.i("to", ElemType.BOOL.code));
            String spent = body.op("GreaterOrEqual", List.of(body.op("Add", List.of("iteration", one)), "budgets"));
            String done = body.op("Or", List.of(body.op("Or", List.of("done", isEos)), spent));
            String allDone = body.op("Cast", List.of(body.op("ReduceMin", List.of(body.op("Cast", List.of(done),
                    Attr.i("to", ElemType.INT64.code))), Attr.i("keepdims", 0))), Attr.i("to", ElemType.BOOL.code));
            body.named("", "Not", List.of(allDone), List.of("condition_out"));
            body.named("", "Unsqueeze", List.of(next, body.constInt64(1)), List.of("ids_out"));
            String lastPosition = body.op("Slice", List.of("positions", body.constInt64(-1), body.constInt64(Long.MAX_VALUE),
                    body.constInt64(1)));
            body.named("", "Add", List.of(lastPosition, body.constInt64(1)), List.of("positions_out"));
            body.named("", "Identity", List.of(valid), List.of("past_valid_out"));
            body.named("", "Expand", List.of(body.constBool(true), body.op("Shape", List.of("ids_out"))), List.of("new_valid_out"));
            body.named("", "Identity", List.of(done), List.of("done_out"));
            body.named("", "Identity", List.of(next), List.of("token"));

            body.output("condition_out", ElemType.BOOL);
            body.output("ids_out", ElemType.INT64, null, 1);
            body.output("positions_out", ElemType.INT64, null, 1);
            body.output("past_valid_out", ElemType.BOOL, null, null);
            body.output("new_valid_out", ElemType.BOOL, null, 1);
            body.output("done_out", ElemType.BOOL, (Object) null);
            for (int l = 0; l < layers; l++) {
                body.output(presentK.get(l), compute, null, kv, null, d);
                body.output(presentV.get(l), compute, null, kv, null, d);
            }
            body.output("token", ElemType.INT64, (Object) null);

            List<String> loopInputs = new ArrayList<>(List.of(steps, outer.constBool(true), "input_ids", positions, noPastValid,
                    promptValid, notDone));
            List<String> loopOutputs = new ArrayList<>(List.of("final_ids", "final_positions", "final_past_valid",
                    "final_new_valid", "final_done"));
            for (int l = 0; l < layers; l++) {
                loopInputs.add(emptyCache);
                loopInputs.add(emptyCache);
                loopOutputs.add("final_key." + l);
                loopOutputs.add("final_value." + l);
            }
            loopOutputs.add("tokens");
            outer.named("", "Loop", loopInputs, loopOutputs, Attr.graph("body", body, "generation_step"));
            return outer.toModel("llama_generation", LlamaGraph.OPSET);
        }

        /** Dimension {@code axis} of {@code tensor} as an int64 scalar (Range wants scalars). */
        private static String scalarDim(OnnxGraph g, String tensor, int axis) {
            String dim = g.op("Shape", List.of(tensor), Attr.i("start", axis), Attr.i("end", axis + 1));
            return g.op("Squeeze", List.of(dim, g.constInt64(0)));
        }
    }
}
