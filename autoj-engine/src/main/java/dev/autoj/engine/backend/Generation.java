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
 * @param rejection why the back end refused this request, with {@link StopReason#REJECTED}; null otherwise
 */
public record Generation(String text, StopReason stopReason, int promptTokens, int generatedTokens, Duration latency,
                         String rejection) {

    public Generation {
        if (text == null || stopReason == null || latency == null) {
            throw new IllegalArgumentException("text, stopReason and latency must not be null");
        }
        if ((stopReason == StopReason.REJECTED) != (rejection != null)) {
            throw new IllegalArgumentException("a generation has a rejection reason exactly when its stop reason is"
                    + " REJECTED, got " + stopReason + " with rejection " + rejection);
        }
    }

    /** A completion the back end produced. */
    public Generation(String text, StopReason stopReason, int promptTokens, int generatedTokens, Duration latency) {
        this(text, stopReason, promptTokens, generatedTokens, latency, null);
    }

    /**
     * One request of a batch that the back end refused while answering the others: no text, and
     * {@code reason} saying what the server said and what to do.
     */
    public static Generation rejected(String reason, Duration latency) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a rejected generation needs the reason");
        }
        return new Generation("", StopReason.REJECTED, -1, -1, latency, reason);
    }

    public boolean isRejected() {
        return stopReason == StopReason.REJECTED;
    }
}
