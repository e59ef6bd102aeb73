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

    private final OrtSession session;
    /** The session of the later layers and the head when the step decoder is split (see {@link Graph#tail()}), else null. */
    private final OrtSession tail;
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
     * the full-precision weights and the 4-bit scales are handed to it as fp16). {@code tail}, when
     * not null, holds the step decoder's layers from {@code split} on and the output head, and
     * {@code file} the layers before it ({@link LlamaGraph.Span}): two sessions, created in parallel.
     */
    record Graph(Path file, boolean generation, boolean fp16Compute, ModelCache.Outcome outcome, Path tail, int split) {

        /** A graph in one file. */
        Graph(Path file, boolean generation, boolean fp16Compute, ModelCache.Outcome outcome) {
            this(file, generation, fp16Compute, outcome, null, -1);
        }
    }

    DecoderSession(OrtEnvironment env, OrtSession session, OrtSession tail, List<OnnxTensor> weights, ModelConfig config,
            Device device, Graph graph, Startup startup, ModelCache.Outcome weightCacheOutcome) {
        this.session = session;
        this.tail = tail;
        this.weights = weights;
        this.device = device;
        this.graph = graph;
        this.startup = startup;
        this.weightCacheOutcome = weightCacheOutcome;
        this.steps = graph.generation() ? null : new StepDecoder(env, config, session, tail);
        this.loop = graph.generation() ? new LoopDecoder(env, config, session) : null;
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
            session.close();
            if (tail != null) {
                tail.close();
            }
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime could not close the decoder session: " + e.getMessage(), e);
        } finally {
            weights.forEach(OnnxTensor::close);
        }
    }
}
