package dev.autoj.engine.backend;

/**
 * One prompt to complete greedily (temperature 0, top-p 1), as Auto-J is decoded, or sampled when
 * {@code sampling} says so. Only a back end that {@linkplain Backend#samples() samples} may be sent a
 * sampled request; the judge refuses to build otherwise.
 *
 * @param prompt the exact model input, e.g. {@code "[INST] … [/INST]"}; a back end adds BOS itself
 * @param maxNewTokens the token budget, 1024 for Auto-J
 * @param sampling how to sample, or null for greedy decoding
 */
public record GenerationRequest(String prompt, int maxNewTokens, Sampling sampling) {

    /** A greedy request. */
    public GenerationRequest(String prompt, int maxNewTokens) {
        this(prompt, maxNewTokens, null);
    }

    /** Auto-J's token budget for a judgment. */
    public static final int AUTOJ_MAX_NEW_TOKENS = 1024;

    public GenerationRequest {
        if (prompt == null) {
            throw new IllegalArgumentException("prompt must not be null");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
    }
}
