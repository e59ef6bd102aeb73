package dev.autoj.engine.family.autoj;

import dev.autoj.engine.family.JudgeFamily;

/**
 * Auto-J as a {@link JudgeFamily}: its prompts are {@link dev.autoj.engine.protocol.PromptBuilder}'s and its
 * outputs are read by {@link dev.autoj.engine.protocol.VerdictParser}; this package only describes them.
 *
 * <pre>{@code
 * JudgeFamily.Request request = JudgeFamily.Request.of("single", Map.of("query", "What is 2+2?", "response", "4"));
 * AutoJ.FAMILY.prompt(request).text();                       // "[INST] Write critiques for a submitted response … [/INST]"
 * AutoJ.FAMILY.read(request, "… Rating: [[8]]").score();     // 8.0
 * }</pre>
 */
public final class AutoJ {

    /** The model Auto-J's family serves and autoj's default judge. */
    public static final String MODEL_13B = "GAIR/autoj-13b";

    /** Auto-J's description: single (1–10), pairwise (Response 1, Response 2 or Tie), scenario. */
    public static final JudgeFamily FAMILY = new AutoJFamily();

    private AutoJ() {
    }
}
