package dev.autoj.engine.protocol;

import dev.autoj.engine.backend.StopReason;

/**
 * The rule for a generation that was cut off: its output holds no usable verdict when the judge fell
 * into a repetition loop, or when it ran out of tokens before stating one. The judge reads its
 * outputs by this rule and {@code store verify} checks recorded results by it, so both agree on
 * which outputs are cut.
 */
public final class CutOff {

    private CutOff() {
    }

    /**
     * Why the output read as {@code parsed} is cut off and gives no verdict, or null when
     * {@code parsed} stands.
     *
     * @param stop why the generation ended, or null when unknown
     * @param generatedTokens tokens generated, negative when unknown (then the budget is named)
     * @param maxNewTokens the token budget of the generation
     */
    public static String reason(StopReason stop, ParsedVerdict parsed, int generatedTokens, int maxNewTokens) {
        int tokens = generatedTokens >= 0 ? generatedTokens : maxNewTokens;
        if (stop == StopReason.REPETITION) {
            return "the judge fell into a repetition loop and was stopped after " + tokens
                    + " generated tokens; its output holds no usable verdict (the loop starts somewhere in the critique)."
                    + " Rephrase or shorten the judged responses, or check the model files.";
        }
        if (stop == StopReason.LENGTH && parsed.isNoVerdict()) {
            return "judge output truncated at " + tokens + " tokens (finish_reason length)"
                    + " before it stated a verdict; the token budget is " + maxNewTokens
                    + " new tokens (Auto-J's own setting is 1024). Raise max_new_tokens or shorten the judged texts.";
        }
        return null;
    }
}
