package dev.autoj.engine.internal;

import dev.autoj.engine.backend.TokenCounter;

/**
 * Whether a prompt can fit the judge's context window beside the token budget, decided before it is sent.
 * With a token counter the count is exact; without one, only a prompt whose length alone proves it too long
 * is refused. Not API.
 *
 * <pre>{@code
 * ContextWindow.Refusal r = ContextWindow.refusal(prompt, counter, 4096, 1024, "not sent to the judge: the prompt of grade request 1 of 1");
 * // null: it may fit; else r.reason() says by how much it is too long and what to do
 * }</pre>
 */
final class ContextWindow {

    /**
     * No LLaMA-2 token covers more than 16 characters (code points) of the text, so a text of {@code n}
     * code points is at least {@code n / 16} tokens: without a tokenizer, a prompt is refused only when
     * this lower bound alone cannot fit.
     */
    static final int MAX_CODE_POINTS_PER_TOKEN = 16;

    private ContextWindow() {
    }

    /**
     * Why a prompt is not sent, and its token count.
     *
     * @param reason the whole message, starting with the caller's {@code what}
     * @param countedTokens the exact count, or -1 when it was only bounded from below
     */
    record Refusal(String reason, int countedTokens) {
    }

    /**
     * The refusal of {@code text}, or null when it may fit with {@code maxNewTokens} (or {@code window} is 0, unknown).
     *
     * @param what how the message names the prompt, e.g. {@code not sent to the judge (m): the prompt of grade request 1 of 2}
     */
    static Refusal refusal(String text, TokenCounter counter, int window, int maxNewTokens, String what) {
        if (window <= 0) {
            return null;
        }
        int tokens;
        String counted;
        if (counter != null) {
            tokens = counter.count(text);
            counted = tokens + " tokens (counted with " + counter.describe() + ")";
        } else {
            int codePoints = text.codePointCount(0, text.length());
            tokens = 1 + (codePoints + MAX_CODE_POINTS_PER_TOKEN - 1) / MAX_CODE_POINTS_PER_TOKEN;
            counted = "at least " + tokens + " tokens (its " + codePoints + " characters, at most " + MAX_CODE_POINTS_PER_TOKEN
                    + " per LLaMA-2 token; set autoj.tokenizer / --tokenizer to count exactly)";
        }
        if ((long) tokens + maxNewTokens <= window) {
            return null;
        }
        String reason = what + " is " + counted + ", and with the " + maxNewTokens + "-token budget it needs "
                + (tokens + maxNewTokens) + ", more than the " + window + "-token context window. Shorten the judged texts"
                + " to at most " + Math.max(0, window - maxNewTokens) + " prompt tokens, or, if the server's window is larger,"
                + " set autoj.context-window / --context-window.";
        return new Refusal(reason, counter != null ? tokens : -1);
    }
}
