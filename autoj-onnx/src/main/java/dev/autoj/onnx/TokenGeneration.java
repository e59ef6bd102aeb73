package dev.autoj.onnx;

import dev.autoj.engine.backend.StopReason;

/**
 * A greedy continuation as token ids, with timings.
 *
 * @param ids the generated ids only; a final EOS is not included
 * @param promptTokens prompt length actually decoded (after any truncation), BOS included
 * @param prefillNanos time to process the prompt and pick the first token; 0 with route
 *     {@link OnnxOptions.Route#LOOP}, whose single run cannot be split
 * @param decodeNanos time spent on the tokens after the first; with route LOOP the whole run,
 *     prefill included
 */
public record TokenGeneration(int[] ids, StopReason stopReason, int promptTokens, long prefillNanos, long decodeNanos) {

    /** Tokens per second after the first token; 0 when fewer than two tokens were generated. */
    public double decodeTokensPerSecond() {
        int steps = ids.length - 1 + (stopReason == StopReason.EOS ? 1 : 0);
        return steps <= 0 || decodeNanos <= 0 ? 0 : steps * 1e9 / decodeNanos;
    }
}
