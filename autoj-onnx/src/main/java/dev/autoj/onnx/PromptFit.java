package dev.autoj.onnx;

import dev.autoj.engine.backend.BackendException;
import java.nio.file.Path;

/**
 * A prompt and token budget checked against the vocabulary and fitted into the context window by
 * the chosen {@link OnnxOptions.Truncation} policy; shared by every embedded decoder so that they
 * refuse and shorten alike.
 */
record PromptFit(int[] prompt, int budget) {

    /**
     * @param vocab the vocabulary size, or 0 when the model does not say (ids are then only checked for sign)
     * @throws BackendException for an empty prompt, an id outside the vocabulary, or a prompt that does not fit
     */
    static PromptFit of(int[] promptIds, int maxNewTokens, OnnxOptions options, int vocab, int window, Path modelDir) {
        if (promptIds.length == 0) {
            throw new BackendException("The prompt has no tokens; at least BOS is needed.");
        }
        for (int i = 0; i < promptIds.length; i++) {
            if (promptIds[i] < 0 || (vocab > 0 && promptIds[i] >= vocab)) {
                throw new BackendException("Prompt token " + promptIds[i] + " at position " + i + " is outside the "
                        + "vocabulary 0.." + (vocab - 1) + " of " + modelDir + ".");
            }
        }
        int budget = Math.min(maxNewTokens, options.maxNewTokens());
        int[] prompt = promptIds;
        if ((long) prompt.length + budget > window) {
            switch (options.truncation()) {
                case REJECT -> throw new BackendException("The prompt has " + prompt.length + " tokens and the budget "
                        + budget + " more, " + (prompt.length + budget) + " in all, beyond the model's context window of "
                        + window + ". Shorten the prompt, lower max new tokens, or choose a truncation policy "
                        + "(SHORTEN_BUDGET or DROP_PROMPT_START).");
                case SHORTEN_BUDGET -> budget = window - prompt.length;
                case DROP_PROMPT_START -> {
                    int keep = window - budget;
                    if (keep >= 2) {
                        // BOS stays first; the oldest prompt tokens after it go.
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
        return new PromptFit(prompt, budget);
    }
}
