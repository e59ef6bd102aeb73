package dev.autoj.onnx;

import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.onnx.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded engine running a decoder that was exported to ONNX elsewhere: by Hugging Face
 * Optimum ({@code model.onnx} or {@code decoder_model_merged.onnx} next to {@code config.json})
 * or by onnxruntime-genai's model builder ({@code genai_config.json} naming the file and its
 * inputs and outputs). Decoding is the same as {@link OnnxBackend}'s: greedy, lowest id on ties,
 * key/value cache, stop at EOS, at the budget or in a repetition loop.
 *
 * <pre>{@code
 * try (Backend backend = OnnxBackend.openAny(OnnxOptions.of(Path.of("models/llama-onnx")))) {
 *     Generation g = backend.generate(List.of(new GenerationRequest(prompt, 256))).get(0);
 * }
 * }</pre>
 *
 * <p>Requests are decoded one at a time (batch 1); {@link OnnxOptions#dtype()} and the graph cache
 * do not apply, the file is run as exported.
 */
public final class ExportedDecoderBackend extends EmbeddedBackend {

    private final ExportedDecoder decoder;

    private ExportedDecoderBackend(OnnxOptions options, ExportedDecoder decoder, Tokenizer tokenizer) {
        super(options, tokenizer);
        this.decoder = decoder;
    }

    /** True when {@code modelDir} holds an Optimum or onnxruntime-genai decoder rather than a checkpoint. */
    public static boolean isExportedDecoder(Path modelDir) {
        return ExportedFolder.isExported(modelDir);
    }

    /**
     * Opens the exported decoder in {@link OnnxOptions#modelDir()}; {@code tokenizer.json} is
     * optional (without it only {@link #generateIds} works).
     *
     * @throws dev.autoj.onnx.internal.checkpoint.CheckpointException when the folder is not a
     *     usable export, e.g. the graph's input and output names follow neither convention (the
     *     message lists the names found and those expected)
     */
    public static ExportedDecoderBackend open(OnnxOptions options) {
        ExportedDecoder decoder = ExportedDecoder.open(options.modelDir(), options.device());
        Tokenizer tokenizer = TextDecoding.tokenizer(options.modelDir(), decoder::close);
        return new ExportedDecoderBackend(options, decoder, tokenizer);
    }

    /** Where the decoder runs: CPU or CUDA. */
    public Device device() {
        return decoder.device();
    }

    @Override
    public synchronized List<Generation> generate(List<GenerationRequest> requests) {
        Tokenizer tokenizer = TextDecoding.require(this.tokenizer, options.modelDir());
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            try {
                prompts.add(tokenizer.encode(requests.get(i).prompt()));
            } catch (RuntimeException e) {
                throw new BackendException("Request " + (i + 1) + " of " + requests.size() + ": " + e.getMessage(), e);
            }
        }
        List<Generation> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            long start = System.nanoTime();
            TokenGeneration result;
            try {
                result = generateIds(prompts.get(i), requests.get(i).maxNewTokens());
            } catch (BackendException e) {
                throw new BackendException("Request " + (i + 1) + " of " + requests.size() + ": " + e.getMessage(), e);
            }
            out.add(TextDecoding.generation(tokenizer, result, start));
        }
        return out;
    }

    /**
     * Greedy continuation of {@code promptIds} (BOS included by the caller), at most
     * {@code maxNewTokens} tokens, capped by {@link OnnxOptions#maxNewTokens()}.
     */
    public synchronized TokenGeneration generateIds(int[] promptIds, int maxNewTokens) {
        PromptFit fit = PromptFit.of(promptIds, maxNewTokens, options, decoder.vocab(), decoder.limits().contextWindow(),
                options.modelDir());
        return decoder.generate(fit.prompt(), fit.budget());
    }

    ExportedDecoder decoder() {
        return decoder;
    }

    @Override
    public synchronized void close() {
        try {
            decoder.close();
        } finally {
            if (tokenizer != null) {
                tokenizer.close();
            }
        }
    }
}
