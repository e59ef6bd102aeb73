package dev.autoj.engine.backend;

/**
 * Counts a prompt's tokens with the judge model's own tokenizer, so that a prompt too long for the
 * context window is refused before it is sent. The engine core ships none; {@code dev.autoj:autoj-onnx}
 * makes one from a {@code tokenizer.json} through {@link EmbeddedRuntime#tokenCounter}.
 *
 * <pre>{@code
 * try (TokenCounter counter = EmbeddedRuntime.require().tokenCounter(Path.of("tokenizers/llama2/tokenizer.json"))) {
 *     int tokens = counter.count("[INST] Hello world! [/INST]");   // BOS included
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe.
 */
public interface TokenCounter extends AutoCloseable {

    /** The tokens of {@code prompt} as the model sees it: BOS included, never truncated. */
    int count(String prompt);

    /** What counts, for messages, e.g. {@code the tokenizer /models/autoj-13b/tokenizer.json}. */
    default String describe() {
        return "the judge's tokenizer";
    }

    /** Frees the tokenizer; later calls may fail. */
    @Override
    default void close() {
    }
}
