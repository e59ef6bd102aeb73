package dev.autoj.onnx;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.GptqCheckpoint;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.QuantizedWeights;
import dev.autoj.onnx.internal.graph.LlamaGraph;
import dev.autoj.onnx.internal.graph.LlamaWeights;
import dev.autoj.onnx.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The embedded judge engine: a LLaMA-family Hugging Face checkpoint turned into an ONNX decoder
 * in Java (no Python export step) and run in-process by ONNX Runtime, decoding greedily with a
 * key/value cache.
 *
 * <pre>{@code
 * try (OnnxBackend backend = OnnxBackend.open(OnnxOptions.of(Path.of("models/autoj-13b")))) {
 *     Generation g = backend.generate(List.of(new GenerationRequest(prompt, 1024))).get(0);
 *     System.out.println(g.text() + " (" + g.stopReason() + ")");
 * }
 * }</pre>
 *
 * <p>Decoding is greedy: the highest logit wins, ties go to the lowest id. Generation stops at
 * EOS, at the token budget, or in a degenerate repetition loop ({@link StopReason#REPETITION}).
 * A prompt that does not leave room for the budget in the context window is an error unless
 * {@link OnnxOptions#truncation()} says otherwise.
 *
 * <p>Batching: requests are queued for one decoding thread, which takes up to
 * {@link OnnxOptions#maxBatchSize()} waiting requests at a time and decodes them together
 * (prompts left-padded and masked, each with its own positions). A {@code generate} call's list
 * is one batch when it fits; requests of concurrent callers are gathered into the same batch;
 * requests that arrive while a batch runs join the next one. In fp32 each result is the one the
 * request would get alone.
 *
 * <p>Routes ({@link OnnxOptions#route()}): a batch is decoded with one {@code session.run} per
 * token ({@code STEP}) or entirely in one run of the generation graph ({@code LOOP}, the default
 * on CUDA, where it keeps the key/value cache on the device); both give the same tokens.
 */
public final class OnnxBackend extends EmbeddedBackend {

    private final ModelConfig config;
    private final DecoderSession session;
    private final BatchScheduler scheduler;

    /**
     * The 4-bit layout of {@link Dtype#INT4}: blocks of 32 (a scale per 32 weights
     * keeps the error of outliers local), asymmetric with zero points (about 15% less rounding
     * error than symmetric for half a byte per block), and {@code accuracy_level} 4, which quantizes
     * activations to int8 per block and uses integer dot products: about 5x faster on the CPU than
     * level 0 (fp32 from dequantized weights) for ~0.5% relative error, far below the error of
     * the 4-bit weights themselves. The output head stays fp32: at 4 bits it changed the greedy
     * ids of the tiny reference checkpoint (Int4Test); {@code -Dautoj.onnx.int4Head=true} quantizes it.
     */
    static final LlamaGraph.Int4 INT4 = new LlamaGraph.Int4(32, 4, true, false, new java.util.TreeMap<>());

    /** {@link #INT4} with the output head at 4 bits too ({@code -Dautoj.onnx.int4Head=true}, see {@link EngineSwitches#int4Head()}). */
    static final LlamaGraph.Int4 INT4_HEAD = new LlamaGraph.Int4(32, 4, true);

    /** The layout a checkpoint is quantized to on load: {@link #INT4}, or {@link #INT4_HEAD} when asked. */
    static LlamaGraph.Int4 int4Layout() {
        return EngineSwitches.int4Head() ? INT4_HEAD : INT4;
    }

    private static final System.Logger LOG = System.getLogger(OnnxBackend.class.getName());

    private final LlamaGraph.Int4 int4;

    private OnnxBackend(OnnxOptions options, ModelConfig config, DecoderSession session, Tokenizer tokenizer, LlamaGraph.Int4 int4) {
        super(options, tokenizer);
        this.int4 = int4;
        this.config = config;
        this.session = session;
        this.scheduler = new BatchScheduler(session, config, options.maxBatchSize());
    }

    /**
     * Reads the checkpoint, builds (or takes from the cache) the decoder graph and starts a session.
     * {@code tokenizer.json} is optional here; without it only {@link #generateIds} works.
     *
     * @throws dev.autoj.engine.backend.BackendException when the folder is not a usable checkpoint;
     *     the message names the file and tensor
     */
    public static OnnxBackend open(OnnxOptions options) {
        if (GptqCheckpoint.isGptq(options.modelDir())) {
            return openGptq(options, INT4.accuracyLevel());
        }
        return open(options, int4Layout());
    }

    /**
     * A GPTQ folder run as int4: its own 4-bit weights repacked for MatMulNBits (nothing is
     * requantized), act-order inputs gathered into the order the weights were packed in, the
     * fp16 embedding, norms and head widened to fp32. {@code accuracyLevel} is MatMulNBits'
     * (4 as for {@link Dtype#INT4}; tests use 0, which computes exactly in fp32).
     */
    static OnnxBackend openGptq(OnnxOptions options, int accuracyLevel) {
        Path dir = options.modelDir();
        if (options.dtype() != Dtype.INT4) {
            throw new BackendException(dir + " is a 4-bit GPTQ checkpoint, which runs only as int4 (its own 4-bit weights in "
                    + "MatMulNBits), not as " + options.dtype().name().toLowerCase(java.util.Locale.ROOT)
                    + ". Use --dtype int4 or leave --dtype out; for fp16 or fp32 use the unquantized model.");
        }
        ModelConfig config = ModelConfig.read(dir);
        GptqCheckpoint gptq = GptqCheckpoint.open(dir);
        GptqWeights weights = GptqWeights.plan(config, gptq, accuracyLevel);
        return start(options, config, gptq.unquantized(), weights.layout(), weights, false);
    }

    /** As {@link #open(OnnxOptions)} with another 4-bit layout (tests compare accuracy levels). */
    static OnnxBackend open(OnnxOptions options, LlamaGraph.Int4 int4) {
        ModelConfig config = ModelConfig.read(options.modelDir());
        Checkpoint checkpoint = Checkpoint.open(options.modelDir());
        // quantized on load by the one quantizer: the weight cache's key (checkpoint, layout) says what it holds
        return start(options, config, checkpoint, int4,
                QuantizedWeights.quantizing(checkpoint, int4.blockSize(), int4.zeroPoints()), true);
    }

    /**
     * As {@link #open(OnnxOptions)} with 4-bit weights in the layout {@code int4} taken from
     * {@code quantized} (for checkpoints already quantized, such as GPTQ) instead of quantized on load.
     */
    static OnnxBackend open(OnnxOptions options, LlamaGraph.Int4 int4, Function<Checkpoint, QuantizedWeights> quantized) {
        ModelConfig config = ModelConfig.read(options.modelDir());
        Checkpoint checkpoint = Checkpoint.open(options.modelDir());
        return start(options, config, checkpoint, int4, quantized.apply(checkpoint), false);
    }

    private static OnnxBackend start(OnnxOptions options, ModelConfig config, Checkpoint checkpoint, LlamaGraph.Int4 int4,
            QuantizedWeights quantized, boolean cacheWeights) {
        NativeLibraries.prepare(options.cacheDir());
        Map<Device, DecoderPlan> plans = new EnumMap<>(Device.class);
        Function<Device, DecoderSession.Graph> graphs = device -> plans.computeIfAbsent(device,
                d -> DecoderPlan.of(options, config, int4, d)).graph(options.cacheDir(), config, checkpoint);
        DecoderSession session = SessionLoader.open(config, checkpoint, options.dtype(), int4, quantized,
                options.device(), graphs, cacheWeights && options.dtype() != Dtype.FP16 ? options.cacheDir() : null);
        LOG.log(System.Logger.Level.DEBUG, () -> "autoj onnx: " + options.modelDir().getFileName() + ": "
                + plans.get(session.device()).describe(config) + "; " + WeightAccount.describe(
                        WeightAccount.of(config, options.dtype(), int4, session.fp16Compute())));
        Tokenizer tokenizer = TextDecoding.tokenizer(options.modelDir(), session::close);
        return new OnnxBackend(options, config, session, tokenizer, int4);
    }

    /**
     * Where the time to open the backend went: starting ONNX Runtime (its native libraries, once
     * per JVM), building or loading the graph, preparing the
     * weights (for int4: quantizing into, or mapping from, the weight cache), and ONNX Runtime
     * creating the session.
     */
    public record Startup(Duration runtime, Duration graph, Duration weights, Duration session) {
    }

    /** Where the time to open this backend went; all zero on CUDA, where the parts are not timed. */
    public Startup startup() {
        DecoderSession.Startup s = session.startup();
        return s == null ? new Startup(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO)
                : new Startup(Duration.ofNanos(s.runtimeNanos()), Duration.ofNanos(s.graphNanos()), Duration.ofNanos(s.weightsNanos()),
                        Duration.ofNanos(s.sessionNanos()));
    }

    /** How batches are decoded here: {@code STEP} (one run per token) or {@code LOOP} (one run per batch), after AUTO chose. */
    public OnnxOptions.Route route() {
        return session.generationGraph() ? OnnxOptions.Route.LOOP : OnnxOptions.Route.STEP;
    }

    /** The decoder's dimensions as read from {@code config.json}, e.g. {@code backend.shape().contextWindow()}. */
    public ModelShape shape() {
        return new ModelShape(config.architecture(), config.hiddenSize(), config.numLayers(), config.numHeads(),
                config.numKvHeads(), config.vocabSize(), config.contextWindow(), config.tieWordEmbeddings(), config.eosIds());
    }

    /**
     * The checkpoint reader's own record, an internal type.
     *
     * @deprecated use {@link #shape()}; this method becomes package-private once {@code autoj serve} reads
     *     {@code shape()} (its one remaining caller outside this package)
     */
    @Deprecated
    public ModelConfig config() {
        return config;
    }

    @Override
    public List<Generation> generate(List<GenerationRequest> requests) {
        Tokenizer tokenizer = TextDecoding.require(this.tokenizer, options.modelDir());
        long start = System.nanoTime();
        List<BatchScheduler.Job> jobs = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            GenerationRequest request = requests.get(i);
            try {
                jobs.add(prepare(tokenizer.encode(request.prompt()), request.maxNewTokens()));
            } catch (BackendException e) {
                throw new BackendException("Request " + (i + 1) + " of " + requests.size() + ": " + e.getMessage(), e);
            }
        }
        List<Generation> out = new ArrayList<>();
        for (TokenGeneration result : scheduler.submitAndWait(jobs)) {
            out.add(TextDecoding.generation(tokenizer, result, start));
        }
        return out;
    }

    /** The prompt's ids as this model's tokenizer writes them, BOS first. */
    public int[] encode(String prompt) {
        requireTokenizer();
        return tokenizer.encode(prompt);
    }

    /** The text of generated ids. */
    public String decode(int[] ids) {
        requireTokenizer();
        return tokenizer.decode(ids);
    }

    /**
     * Greedy continuation of {@code promptIds} (BOS included by the caller), at most
     * {@code maxNewTokens} tokens, capped by {@link OnnxOptions#maxNewTokens()}.
     */
    public TokenGeneration generateIds(int[] promptIds, int maxNewTokens) {
        return scheduler.submitAndWait(List.of(prepare(promptIds, maxNewTokens))).get(0);
    }

    /**
     * Greedy continuations of several prompts, decoded as one batch (or several of at most
     * {@link OnnxOptions#maxBatchSize()}); each result equals what {@link #generateIds(int[], int)}
     * gives for that prompt alone.
     *
     * <pre>{@code
     * List<TokenGeneration> out = backend.generateIds(List.of(new int[] {1, 450}, new int[] {1, 3681, 29889}), 64);
     * }</pre>
     */
    public List<TokenGeneration> generateIds(List<int[]> prompts, int maxNewTokens) {
        List<BatchScheduler.Job> jobs = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            try {
                jobs.add(prepare(prompts.get(i), maxNewTokens));
            } catch (BackendException e) {
                throw new BackendException("Prompt " + (i + 1) + " of " + prompts.size() + ": " + e.getMessage(), e);
            }
        }
        return scheduler.submitAndWait(jobs);
    }

    /**
     * Bytes of weights read from memory for each decoding step: every linear layer, the norms and
     * the output head, not the embedding table (one row of it is gathered). fp16 weights count 4
     * bytes except in the fp16 generation graph on CUDA: the other graphs widen them to fp32 once
     * when the session starts.
     */
    public long weightBytesPerStep() {
        long bytes = 0;
        if (options.dtype() == Dtype.INT4) {
            for (LlamaWeights.Weight w : LlamaWeights.quantizedWeights(config, int4)) {
                bytes += int4Bytes(w.shape());
            }
            for (LlamaWeights.Weight w : LlamaWeights.unquantizedWeights(config, int4)) {
                if (!w.name().equals("model.embed_tokens.weight") || !int4.quantizedHead() && config.tieWordEmbeddings()) {
                    bytes += elements(w.shape()) * (session.fp16Compute() ? 2 : 4);
                }
            }
            return bytes;
        }
        // only the fp16 generation graph (CUDA) reads fp16 weights; every other graph widens them to fp32 once
        int width = session.fp16Compute() ? 2 : 4;
        for (LlamaWeights.Weight w : LlamaWeights.weights(config)) {
            if (!w.name().equals("model.embed_tokens.weight")) {
                bytes += elements(w.shape()) * width;
            }
        }
        if (config.tieWordEmbeddings()) {
            bytes += (long) config.vocabSize() * config.hiddenSize() * width;
        }
        return bytes;
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private long int4Bytes(long[] shape) {
        return WeightAccount.int4Bytes(shape, int4, session.fp16Compute() ? 2 : 4);
    }

    /**
     * The weights this session holds, by class (linear layers, head, embedding, norms), with the
     * form each is stored in and why; their sum is every byte of weights handed to the session.
     *
     * <pre>{@code
     * long total = backend.sessionWeights().stream().mapToLong(WeightClass::bytes).sum();
     * }</pre>
     */
    public List<WeightClass> sessionWeights() {
        return WeightAccount.of(config, options.dtype(), int4, session.fp16Compute());
    }

    /** Where the model runs: CPU or CUDA (after {@link Device#AUTO} chose). */
    public Device device() {
        return session.device();
    }

    /** Checks the prompt and applies the truncation policy; runs on the caller's thread. */
    private BatchScheduler.Job prepare(int[] promptIds, int maxNewTokens) {
        PromptFit fit = PromptFit.of(promptIds, maxNewTokens, options, config.vocabSize(), config.contextWindow(),
                options.modelDir());
        return new BatchScheduler.Job(fit.prompt(), fit.budget());
    }

    /** Logits of every position of {@code ids} run as one sequence without cache (tests compare against it). */
    float[][] logitsOf(int[] ids) {
        StepDecoder steps = session.steps();
        try (KvCache cache = steps.newCache()) {
            return steps.forward(cache, ids, true);
        }
    }

    DecoderSession session() {
        return session;
    }

    /** How the graph cache served the graph this backend runs. */
    ModelCache.Outcome cacheOutcome() {
        return session.cacheOutcome();
    }

    /** How the weight cache (4-bit weights, or the packed fp32 session) served this backend; null when its weights did not come from it. */
    ModelCache.Outcome weightCacheOutcome() {
        return session.weightCacheOutcome();
    }

    private void requireTokenizer() {
        if (tokenizer == null) {
            throw new BackendException("No tokenizer.json in " + options.modelDir() + "; copy the model's tokenizer.json there.");
        }
    }

    /**
     * Opens whatever {@code options.modelDir()} holds: a decoder already exported to ONNX by
     * Optimum or onnxruntime-genai ({@link ExportedDecoderBackend}), else a checkpoint converted
     * here ({@link #open(OnnxOptions)}).
     *
     * <pre>{@code
     * try (Backend backend = OnnxBackend.openAny(OnnxOptions.of(Path.of("models/llama-onnx")))) { ... }
     * }</pre>
     */
    public static Backend openAny(OnnxOptions options) {
        return ExportedDecoderBackend.isExportedDecoder(options.modelDir()) ? ExportedDecoderBackend.open(options)
                : open(options);
    }

    @Override
    public void close() {
        try {
            scheduler.close();
            session.close();
        } finally {
            if (tokenizer != null) {
                tokenizer.close();
            }
        }
    }
}
