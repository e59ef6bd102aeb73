package dev.autoj.engine.backend;

/**
 * One prompt to complete greedily (temperature 0, top-p 1), as Auto-J is decoded.
 *
 * @param prompt the exact model input, e.g. {@code "[INST] … [/INST]"}; a back end adds BOS itself
 * @param maxNewTokens the token budget, 1024 for Auto-J
 */
public record GenerationRequest(String prompt, int maxNewTokens) {

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
