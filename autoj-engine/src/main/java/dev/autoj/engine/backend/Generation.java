package dev.autoj.engine.backend;

import java.time.Duration;

/**
 * A completion from a back end.
 *
 * @param text the generated text only (the prompt excluded)
 * @param stopReason why generation ended
 * @param promptTokens tokens in the prompt, BOS included (-1 when the back end does not say)
 * @param generatedTokens tokens generated (-1 when the back end does not say)
 * @param latency wall time of this request inside the back end
 */
public record Generation(String text, StopReason stopReason, int promptTokens, int generatedTokens, Duration latency) {

    public Generation {
        if (text == null || stopReason == null || latency == null) {
            throw new IllegalArgumentException("text, stopReason and latency must not be null");
        }
    }
}
