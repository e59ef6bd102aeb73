package dev.autoj.engine.backend.onnx;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.engine.backend.onnx.checkpoint.Checkpoint;
import dev.autoj.engine.backend.onnx.checkpoint.ModelConfig;
import dev.autoj.engine.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 * {@link OnnxOptions#truncation()} says otherwise. Calls are serialised: requests of one call run
 * one after the other (batching comes with the GPU work).
 */
public final class OnnxBackend implements Backend {

    private final OnnxOptions options;
    private final ModelConfig config;
    private final DecoderSession session;
    private final Tokenizer tokenizer;
    private final ModelCache.Outcome cacheOutcome;

    private OnnxBackend(OnnxOptions options, ModelConfig config, DecoderSession session, Tokenizer tokenizer,
            ModelCache.Outcome cacheOutcome) {
        this.options = options;
        this.config = config;
        this.session = session;
        this.tokenizer = tokenizer;
        this.cacheOutcome = cacheOutcome;
    }

    /**
     * Reads the checkpoint, builds (or takes from the cache) the decoder graph and starts a session.
     * {@code tokenizer.json} is optional here; without it only {@link #generateIds} works.
     *
     * @throws dev.autoj.engine.backend.onnx.checkpoint.CheckpointException when the folder is not a
     *     usable checkpoint; the message names the file and tensor
     */
    public static OnnxBackend open(OnnxOptions options) {
        ModelConfig config = ModelConfig.read(options.modelDir());
        Checkpoint checkpoint = Checkpoint.open(options.modelDir());
        ModelCache.Entry entry = ModelCache.load(options.cacheDir(), config, checkpoint, options.dtype());
        DecoderSession session = DecoderSession.open(config, checkpoint, options.dtype(), entry.file());
        Path tokenizerFile = options.modelDir().resolve("tokenizer.json");
        try {
            Tokenizer tokenizer = Files.isRegularFile(tokenizerFile) ? Tokenizer.load(tokenizerFile) : null;
            return new OnnxBackend(options, config, session, tokenizer, entry.outcome());
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "onnx";
    }

    /** The model folder's name, e.g. {@code autoj-13b}. */
    @Override
    public String modelId() {
        return options.modelDir().toAbsolutePath().normalize().getFileName().toString();
    }

    /** The decoder's dimensions as read from {@code config.json}. */
    public ModelConfig config() {
        return config;
    }

    @Override
    public List<Generation> generate(List<GenerationRequest> requests) {
        if (tokenizer == null) {
            throw new BackendException("No tokenizer.json in " + options.modelDir() + "; text prompts need the model's "
                    + "tokenizer. Copy tokenizer.json into the model folder.");
        }
        List<Generation> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            GenerationRequest request = requests.get(i);
            long start = System.nanoTime();
            TokenGeneration result;
            try {
                result = generateIds(tokenizer.encode(request.prompt()), request.maxNewTokens());
            } catch (BackendException e) {
                throw new BackendException("Request " + (i + 1) + " of " + requests.size() + ": " + e.getMessage(), e);
            }
            int generated = result.ids().length + (result.stopReason() == StopReason.EOS ? 1 : 0);
            out.add(new Generation(tokenizer.decode(result.ids()), result.stopReason(), result.promptTokens(),
                    generated, Duration.ofNanos(System.nanoTime() - start)));
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
    public synchronized TokenGeneration generateIds(int[] promptIds, int maxNewTokens) {
        if (promptIds.length == 0) {
            throw new BackendException("The prompt has no tokens; at least BOS is needed.");
        }
        for (int i = 0; i < promptIds.length; i++) {
            if (promptIds[i] < 0 || promptIds[i] >= config.vocabSize()) {
                throw new BackendException("Prompt token " + promptIds[i] + " at position " + i + " is outside the "
                        + "vocabulary 0.." + (config.vocabSize() - 1) + " of " + options.modelDir() + ".");
            }
        }
        int budget = Math.min(maxNewTokens, options.maxNewTokens());
        int[] prompt = promptIds;
        int window = config.contextWindow();
        if (prompt.length + budget > window) {
            switch (options.truncation()) {
                case REJECT -> throw new BackendException("The prompt has " + prompt.length + " tokens and the budget "
                        + budget + " more, " + (prompt.length + budget) + " in all, beyond the model's context window of "
                        + window + ". Shorten the prompt, lower max new tokens, or choose a truncation policy "
                        + "(SHORTEN_BUDGET or DROP_PROMPT_START).");
                case SHORTEN_BUDGET -> budget = window - prompt.length;
                case DROP_PROMPT_START -> {
                    int keep = window - budget;
                    if (keep >= 2) {
                        int[] cut = new int[keep];
                        cut[0] = prompt[0];
                        System.arraycopy(prompt, prompt.length - (keep - 1), cut, 1, keep - 1);
                        prompt = cut;
                    } else {
                        budget = 0;
                    }
                }
            }
            if (budget < 1) {
                throw new BackendException("The prompt of " + promptIds.length + " tokens leaves no room to generate in "
                        + "the context window of " + window + " tokens; shorten the prompt.");
            }
        }
        return greedy(prompt, budget);
    }

    private TokenGeneration greedy(int[] prompt, int budget) {
        int[] generated = new int[budget];
        int count = 0;
        StopReason reason = StopReason.LENGTH;
        long start = System.nanoTime();
        long prefill = 0;
        try (DecoderSession.KvCache cache = session.newCache()) {
            float[] logits = session.forward(cache, prompt, false)[0];
            while (true) {
                int next = argmax(logits);
                if (count == 0) {
                    prefill = System.nanoTime() - start;
                }
                if (config.eosIds().contains(next)) {
                    reason = StopReason.EOS;
                    break;
                }
                generated[count++] = next;
                if (RepetitionGuard.loops(generated, count)) {
                    reason = StopReason.REPETITION;
                    break;
                }
                if (count == budget) {
                    break;
                }
                logits = session.forward(cache, new int[] {next}, false)[0];
            }
        }
        long decode = System.nanoTime() - start - prefill;
        return new TokenGeneration(Arrays.copyOf(generated, count), reason, prompt.length, prefill, decode);
    }

    /** Index of the largest logit; the lowest index among equals, as a greedy judge must be reproducible. */
    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Logits of every position of {@code ids} run as one sequence without cache (tests compare against it). */
    float[][] logitsOf(int[] ids) {
        try (DecoderSession.KvCache cache = session.newCache()) {
            return session.forward(cache, ids, true);
        }
    }

    DecoderSession session() {
        return session;
    }

    ModelCache.Outcome cacheOutcome() {
        return cacheOutcome;
    }

    private void requireTokenizer() {
        if (tokenizer == null) {
            throw new BackendException("No tokenizer.json in " + options.modelDir() + "; copy the model's tokenizer.json there.");
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } finally {
            if (tokenizer != null) {
                tokenizer.close();
            }
        }
    }
}
