package dev.autoj.onnx;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.EmbeddedRuntime;
import dev.autoj.engine.backend.TokenCounter;
import dev.autoj.onnx.tokenizer.Tokenizer;
import dev.autoj.onnx.tokenizer.TokenizerException;
import java.nio.file.Path;

/**
 * The embedded runtime that this module registers for the engine core: a model folder opened by
 * {@link OnnxBackend#openAny(OnnxOptions)}, with the settings the core knows about; and prompt token
 * counts from a {@code tokenizer.json} through {@link Tokenizer}.
 */
public final class OnnxRuntimeProvider implements EmbeddedRuntime {

    @Override
    public Backend open(Model model) {
        OnnxOptions options = OnnxOptions.of(model.path()).withDevice(model.device()).withMaxNewTokens(model.maxNewTokens());
        if (model.dtype() != null) {
            options = options.withDtype(model.dtype());
        }
        if (model.cacheDir() != null) {
            options = options.withCacheDir(model.cacheDir());
        }
        return OnnxBackend.openAny(options);
    }

    @Override
    public TokenCounter tokenCounter(Path tokenizerJson) {
        Tokenizer tokenizer;
        try {
            tokenizer = Tokenizer.load(tokenizerJson);
        } catch (TokenizerException e) {
            throw new BackendException(e.getMessage(), e);
        }
        return new TokenizerCounter(tokenizer, tokenizerJson.toAbsolutePath().normalize());
    }

    /** Counts as the embedded engine encodes: BOS first, the whole text, never truncated. */
    private record TokenizerCounter(Tokenizer tokenizer, Path source) implements TokenCounter {
        @Override
        public int count(String prompt) {
            return tokenizer.encode(prompt).length;
        }

        @Override
        public void close() {
            tokenizer.close();
        }

        @Override
        public String describe() {
            return "the tokenizer " + source;
        }
    }
}
