package dev.autoj.onnx;

import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.onnx.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The text path both back ends share ({@link OnnxBackend}, {@link ExportedDecoderBackend}): the
 * model folder's tokenizer, text prompts to ids, and generated ids back to a {@link Generation}
 * whose token count includes a final EOS.
 */
final class TextDecoding {

    private TextDecoding() {
    }

    /**
     * The model folder's {@code tokenizer.json}, or null when there is none; when it cannot be
     * read, {@code onFailure} closes what the caller opened before it and the error goes on.
     */
    static Tokenizer tokenizer(Path modelDir, Runnable onFailure) {
        Path file = modelDir.resolve("tokenizer.json");
        try {
            return Files.isRegularFile(file) ? Tokenizer.load(file) : null;
        } catch (RuntimeException e) {
            onFailure.run();
            throw e;
        }
    }

    /** The tokenizer text prompts need, or an error that says where to put it. */
    static Tokenizer require(Tokenizer tokenizer, Path modelDir) {
        if (tokenizer == null) {
            throw new BackendException("No tokenizer.json in " + modelDir + "; text prompts need the model's "
                    + "tokenizer. Copy tokenizer.json into the model folder.");
        }
        return tokenizer;
    }

    /** The text of {@code result}, its stop reason and counts (EOS counts as generated, though its text is not kept). */
    static Generation generation(Tokenizer tokenizer, TokenGeneration result, long startNanos) {
        int generated = result.ids().length + (result.stopReason() == StopReason.EOS ? 1 : 0);
        return new Generation(tokenizer.decode(result.ids()), result.stopReason(), result.promptTokens(), generated,
                Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
