package dev.autoj.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.QuantizedWeights;
import dev.autoj.onnx.internal.graph.LlamaGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * One or two ONNX Runtime sessions over a built decoder, as {@link SessionLoader} opened them,
 * with the weights they were handed, and the decoder that runs them: the {@link StepDecoder}
 * (route STEP) or the {@link LoopDecoder} (route LOOP). Not thread-safe; the backend serialises calls.
 */
final class DecoderSession implements AutoCloseable {

    /** The sessions of the graph's parts, in order (one unless the step decoder is split, see {@link Graph#files()}). */
    private final List<OrtSession> sessions;
    private final List<OnnxTensor> weights;
    private final Device device;
    private final Graph graph;
    /** Where the time to open went (null on CUDA), and how the weight cache served (null when not used). */
    private final Startup startup;
    private final ModelCache.Outcome weightCacheOutcome;
    private final StepDecoder steps;
    private final LoopDecoder loop;

    /**
     * Time spent opening the session: starting ONNX Runtime (loading its native libraries, the
     * first time in this JVM), building or loading the graph, preparing the weights
     * (mapping, converting, quantizing or reading the weight cache), and ONNX Runtime creating the
     * session (graph optimisation and weight prepacking).
     */
    record Startup(long runtimeNanos, long graphNanos, long weightsNanos, long sessionNanos) {
    }

    /**
     * A built graph for one device: its file, whether it is the step decoder or the generation
     * graph ({@link dev.autoj.onnx.internal.graph.GenerationGraph}), and whether it computes in fp16 (then
     * the full-precision weights and the 4-bit scales are handed to it as fp16). With several
     * {@code files}, the step decoder is split: file {@code i} holds the layers from
     * {@code starts[i - 1]} (0 for the first) to the next start, the last one also the output head
     * ({@link LlamaGraph.Span}); one session each, created two at a time.
     */
    record Graph(List<Path> files, boolean generation, boolean fp16Compute, ModelCache.Outcome outcome, List<Integer> starts) {

        Graph {
            files = List.copyOf(files);
            starts = List.copyOf(starts);
        }

        /** A graph in one file. */
        Graph(Path file, boolean generation, boolean fp16Compute, ModelCache.Outcome outcome) {
            this(List.of(file), generation, fp16Compute, outcome, List.of());
        }

        /** The graph's (first) file. */
        Path file() {
            return files.get(0);
        }

        /** The layers of each file, in order. */
        List<LlamaGraph.Span> spans(ModelConfig config) {
            return DecoderPlan.spans(config, starts);
        }
    }

    DecoderSession(OrtEnvironment env, List<OrtSession> sessions, List<OnnxTensor> weights, ModelConfig config,
            Device device, Graph graph, Startup startup, ModelCache.Outcome weightCacheOutcome) {
        this.sessions = List.copyOf(sessions);
        this.weights = weights;
        this.device = device;
        this.graph = graph;
        this.startup = startup;
        this.weightCacheOutcome = weightCacheOutcome;
        this.steps = graph.generation() ? null : new StepDecoder(env, config, this.sessions);
        this.loop = graph.generation() ? new LoopDecoder(env, config, this.sessions.get(0)) : null;
    }

    /**
     * Opens a session on {@code device}. {@code int4} is the 4-bit layout when {@code dtype} is
     * INT4 (ignored otherwise), and {@code quantized} supplies the 4-bit weights in that layout.
     * {@code graphs} gives the graph to load on a device (CUDA is tried first unless {@code device}
     * is CPU; only the graphs of devices tried are built).
     */
    static DecoderSession open(ModelConfig config, Checkpoint checkpoint, Dtype dtype, LlamaGraph.Int4 int4,
            QuantizedWeights quantized, Device device, Function<Device, Graph> graphs) {
        return SessionLoader.open(config, checkpoint, dtype, int4, quantized, device, graphs, null);
    }

    /** True for the generation graph (one run per batch), false for the step decoder (one run per token). */
    boolean generationGraph() {
        return graph.generation();
    }

    /** True when the graph computes in fp16 (the CUDA generation graph). */
    boolean fp16Compute() {
        return graph.fp16Compute();
    }

    /** The step decoder; an error on a session of the generation graph. */
    StepDecoder steps() {
        if (steps == null) {
            throw new IllegalStateException("this session runs the generation graph (route LOOP); per-token steps and "
                    + "logits need the step decoder (route STEP)");
        }
        return steps;
    }

    /** The generation graph's decoder; an error on a session of the step decoder. */
    LoopDecoder loop() {
        if (loop == null) {
            throw new IllegalStateException("this session runs the step decoder; generate needs the generation graph");
        }
        return loop;
    }

    /** How many weight tensors of ours the session keeps alive (none where the weights were handed over and copied). */
    int heldWeights() {
        return weights.size();
    }

    Startup startup() {
        return startup;
    }

    /** How the weight cache (4-bit weights, or the packed fp32 session) served this session; null when the weights did not come from it. */
    ModelCache.Outcome weightCacheOutcome() {
        return weightCacheOutcome;
    }

    /** How the graph cache served the graph this session runs; null when the caller gave a file. */
    ModelCache.Outcome cacheOutcome() {
        return graph.outcome();
    }

    /** Where the session actually runs: CUDA or CPU (never AUTO). */
    Device device() {
        return device;
    }

    @Override
    public void close() {
        try {
            for (OrtSession session : sessions) {
                session.close();
            }
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime could not close the decoder session: " + e.getMessage(), e);
        } finally {
            weights.forEach(OnnxTensor::close);
        }
    }
}
