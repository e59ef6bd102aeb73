package dev.autoj.onnx;

import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.graph.LlamaGraph;
import dev.autoj.onnx.internal.graph.LlamaWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the native decoder runs on one device, decided in one place when the backend opens: the
 * route (STEP, one run per token; LOOP, one run per batch), the graph built for it, the 4-bit
 * layout of that graph, and the layer where a CPU step decoder splits into two sessions.
 * Adding a decoder route is a case here plus its decoder ({@link StepDecoder}, {@link LoopDecoder}).
 *
 * @param layout the 4-bit layout the graph is built for (null unless the weights are 4-bit)
 * @param starts the first layer of each session after the first (empty for one session)
 */
record DecoderPlan(Device device, OnnxOptions.Route route, ModelCache.Kind kind, Dtype dtype, LlamaGraph.Int4 layout,
        List<Integer> starts) {

    /**
     * Sessions of a 4-bit CPU step decoder, at most: its layers in this many consecutive parts.
     * ONNX Runtime copies each MatMulNBits weight into its own packed layout when a session is
     * created, and only then can the mapped 4-bit codes be dropped; with the layers in parts
     * created two at a time, and each pair's codes unmapped before the next pair starts, the
     * codes of two parts at most are resident beside the packed copy (2/16 of them, instead
     * of all: peak memory 2.0x the weights at 13B with two sessions). Not more: one layer a part
     * (43 at 13B) took the warm peak from about 1.24x to 1.17x the weights but decoding from
     * 3.67 to 2.87 tokens/s (each part's run and its own allocator cost more than the memory saved
     * is worth: measured with {@code bench --size 52G --dtype int4}, docs/onnx-backend.md).
     */
    static final int MAX_INT4_PARTS = 16;

    DecoderPlan {
        starts = List.copyOf(starts);
    }

    /** The first layer of the second session, or -1 for one session. */
    int splitLayer() {
        return starts.isEmpty() ? -1 : starts.get(0);
    }

    /** The layers of each session, in order. */
    List<LlamaGraph.Span> spans(ModelConfig config) {
        return spans(config, starts);
    }

    /** The layers of each session for {@code starts}, in order. */
    static List<LlamaGraph.Span> spans(ModelConfig config, List<Integer> starts) {
        List<LlamaGraph.Span> spans = new ArrayList<>();
        int from = 0;
        for (int start : starts) {
            spans.add(new LlamaGraph.Span(from, start));
            from = start;
        }
        spans.add(new LlamaGraph.Span(from, config.numLayers()));
        return spans;
    }

    /**
     * The route {@link OnnxOptions.Route#AUTO} takes on the CPU: the step loop. Measured
     * ({@code RouteSpeedTest}, docs/onnx-backend.md "Routes"): the generation graph saves per-call
     * overhead on a toy model, but on a 1 GB model neither route was faster in every run on this
     * shared machine, so the loop is not shown to be not slower; and only the step loop stops a
     * repetition early, drops finished rows and prefills one prompt at a time, which matter
     * where compute and memory are scarce.
     */
    static final OnnxOptions.Route CPU_AUTO_ROUTE = OnnxOptions.Route.STEP;

    /** The plan for {@code device}; {@code int4} is the 4-bit layout of the weights (null unless 4-bit). */
    static DecoderPlan of(OnnxOptions options, ModelConfig config, LlamaGraph.Int4 int4, Device device) {
        ModelCache.Kind kind = graphKind(options.route(), device, options.dtype());
        LlamaGraph.Int4 layout = kind == ModelCache.Kind.LOOP_FP16 && int4 != null ? fp16Layout(int4) : int4;
        List<Integer> starts = List.of();
        if (splits(config, kind, device, options.dtype(), int4)) {
            starts = options.dtype() == Dtype.INT4 ? evenStarts(config.numLayers(), Math.min(config.numLayers(), MAX_INT4_PARTS))
                    : List.of(splitLayer(config, options.dtype(), int4));
        }
        OnnxOptions.Route route = kind == ModelCache.Kind.STEP ? OnnxOptions.Route.STEP : OnnxOptions.Route.LOOP;
        return new DecoderPlan(device, route, kind, options.dtype(), layout, starts);
    }

    /** The first layers of parts 2..{@code parts} when {@code layers} are cut into {@code parts} of nearly equal size. */
    static List<Integer> evenStarts(int layers, int parts) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 1; i < parts; i++) {
            starts.add((int) ((long) i * layers / parts));
        }
        return starts;
    }

    /** The plan's graph, built or taken from the graph cache in {@code cacheDir}. */
    DecoderSession.Graph graph(Path cacheDir, ModelConfig config, Checkpoint checkpoint) {
        if (!starts.isEmpty()) {
            List<Path> files = new ArrayList<>();
            ModelCache.Outcome outcome = null;
            for (LlamaGraph.Span span : spans(config)) {
                ModelCache.Entry part = ModelCache.load(cacheDir, config, checkpoint, dtype, layout, kind, span);
                files.add(part.file());
                outcome = outcome == null ? part.outcome() : ModelCache.Outcome.of(outcome, part.outcome());
            }
            return new DecoderSession.Graph(files, false, false, outcome, starts);
        }
        ModelCache.Entry entry = ModelCache.load(cacheDir, config, checkpoint, dtype, layout, kind);
        return new DecoderSession.Graph(entry.file(), kind != ModelCache.Kind.STEP, kind == ModelCache.Kind.LOOP_FP16,
                entry.outcome());
    }

    /** The plan in one line, for the log. */
    String describe(ModelConfig config) {
        String weights = layout == null || dtype != Dtype.INT4 ? dtype.name().toLowerCase(java.util.Locale.ROOT)
                : "int4 (blocks of " + layout.blockSize() + ", accuracy level " + layout.accuracyLevel()
                        + (layout.zeroPoints() ? ", zero points" : "") + ")";
        return "device " + device.name().toLowerCase(java.util.Locale.ROOT) + ", route " + route + ", graph " + kind
                + ", weights " + weights + ", "
                + (starts.isEmpty() ? "one session"
                        : starts.size() == 1 ? "two sessions split at layer " + starts.get(0) + " of " + config.numLayers()
                                : (starts.size() + 1) + " sessions starting at layers 0, "
                                        + starts.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
                                        + " of " + config.numLayers());
    }

    /**
     * Whether the step decoder (of two layers or more) runs as several sessions, each over
     * consecutive layers, the last with the output head, created two at a time in parallel (fp32: two sessions;
     * int4: up to {@link #MAX_INT4_PARTS}): on the CPU (where ONNX Runtime prepacks each session's weights on
     * the thread that creates it, one after another), for fp32 and int4 without act-order; not for
     * fp16 (its graph widens the weights in-graph) or the generation graph.
     * {@code autoj.onnx.splitSessions=false} keeps one session.
     */
    static boolean splits(ModelConfig config, ModelCache.Kind kind, Device device, Dtype dtype, LlamaGraph.Int4 int4) {
        return config.numLayers() >= 2 && kind == ModelCache.Kind.STEP && device == Device.CPU && dtype != Dtype.FP16
                && (dtype != Dtype.INT4 || int4.inputOrders().isEmpty())
                && EngineSwitches.splitSessions();
    }

    /**
     * The first layer of the second session: the one that best balances the weights each session
     * packs (its layers, plus the head for the second; a full-precision head beside 4-bit layers
     * weighs about six times its parameters). Between 1 and the layer count less one: each session
     * has at least one layer (a decoder of one layer is not split).
     */
    static int splitLayer(ModelConfig c, Dtype dtype, LlamaGraph.Int4 int4) {
        double layer = 0;
        double head = 0;
        for (LlamaWeights.Weight w : LlamaWeights.quantizedWeights(c)) {
            if (w.name().startsWith("model.layers.0.")) {
                layer += WeightCache.elements(w.shape());
            } else if (!w.name().startsWith("model.layers.")) {
                head += WeightCache.elements(w.shape());
            }
        }
        head *= dtype == Dtype.INT4 && !int4.quantizedHead() ? 6.4 : 1;
        int n = c.numLayers();
        int best = 1;
        double bestCost = Double.MAX_VALUE;
        for (int k = 1; k < n; k++) {
            double cost = Math.max(k * layer, (n - k) * layer + head);
            if (cost < bestCost) {
                bestCost = cost;
                best = k;
            }
        }
        return best;
    }

    /** The route actually taken for {@code requested} on {@code device} (never AUTO). */
    static OnnxOptions.Route resolve(OnnxOptions.Route requested, Device device) {
        if (requested != OnnxOptions.Route.AUTO) {
            return requested;
        }
        return device == Device.CUDA ? OnnxOptions.Route.LOOP : CPU_AUTO_ROUTE;
    }

    /**
     * The graph to build: the step decoder, or the generation graph, which on CUDA computes in
     * fp16 when the weights are fp16 or 4-bit (fp32 weights stay fp32).
     */
    static ModelCache.Kind graphKind(OnnxOptions.Route requested, Device device, Dtype dtype) {
        if (resolve(requested, device) == OnnxOptions.Route.STEP) {
            return ModelCache.Kind.STEP;
        }
        return device == Device.CUDA && dtype != Dtype.FP32 ? ModelCache.Kind.LOOP_FP16 : ModelCache.Kind.LOOP;
    }

    /**
     * The 4-bit layout of the fp16 (CUDA) graph: {@code int4} with {@code accuracy_level} 0, so
     * MatMulNBits multiplies the fp16 activations by the dequantized weights. Level 4 (int8
     * activations) is a CPU speed-up; with fp16 activations on the CPU provider it moved the
     * tiny test model's logits by over 1.2 where fp32 activations with level 4 moved them by
     * under 0.06, so the CUDA graph does not ask for it.
     */
    static LlamaGraph.Int4 fp16Layout(LlamaGraph.Int4 int4) {
        return new LlamaGraph.Int4(int4.blockSize(), 0, int4.zeroPoints(), int4.quantizedHead(), int4.inputOrders());
    }
}
