package dev.autoj.engine;

/** What the judge is asked to do. */
public enum Protocol {
    /** Critique one response and rate it 1–10 ({@code single} / {@code zh_single}). */
    SINGLE,
    /** Compare two responses: Response 1, Response 2 or Tie ({@code pairwise_tie} / {@code zh_pairwise_tie}). */
    PAIRWISE,
    /** Name the scenario of a query (Auto-J's scenario classifier, raw prompt, no {@code [INST]} wrapper). */
    SCENARIO;

    /** The name of the original template for this protocol in the given language. */
    public String templateName(Language language) {
        return switch (this) {
            case SINGLE -> language == Language.ZH ? "zh_single" : "single";
            case PAIRWISE -> language == Language.ZH ? "zh_pairwise_tie" : "pairwise_tie";
            case SCENARIO -> "scenario_classification";
        };
    }
}
