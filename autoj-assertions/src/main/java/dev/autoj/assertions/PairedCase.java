package dev.autoj.assertions;

import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import java.util.Objects;

/**
 * One case of a set-level comparison: a query, the candidate prompt's response and the
 * baseline prompt's response to it. Read many from a file with {@link PairedCases#read}.
 *
 * <pre>{@code
 * PairedCase c = PairedCase.of("Summarize this post: ...", newPromptAnswer, oldPromptAnswer);
 * assertThatCandidates(List.of(c, ...)).isPreferredOverBaseline();
 * }</pre>
 *
 * @param query the user query both responses answer
 * @param candidate the response of the changed prompt
 * @param baseline the response of the current prompt
 * @param id a name for reports and messages, or null (then the case's 1-based position names it)
 * @param scenario the scenario to judge in, or null (the classifier's answer when configured, else {@link Scenario#DEFAULT})
 * @param language the protocol language, or null for {@link Language#EN}
 * @param referenceAnswer this case's reference answer (what a top answer looks like) for a judge that takes
 *     one (Prometheus 2), or null; Auto-J refuses a case that has one
 */
public record PairedCase(String query, String candidate, String baseline, String id, Scenario scenario, Language language,
        String referenceAnswer) {

    public PairedCase {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(baseline, "baseline");
    }

    /** A case without a reference answer. */
    public PairedCase(String query, String candidate, String baseline, String id, Scenario scenario, Language language) {
        this(query, candidate, baseline, id, scenario, language, null);
    }

    /** A case without id, scenario or language. */
    public static PairedCase of(String query, String candidate, String baseline) {
        return new PairedCase(query, candidate, baseline, null, null, null);
    }

    /** This case with {@code id}. */
    public PairedCase withId(String id) {
        return new PairedCase(query, candidate, baseline, id, scenario, language, referenceAnswer);
    }

    /** This case with {@code scenario}. */
    public PairedCase withScenario(Scenario scenario) {
        return new PairedCase(query, candidate, baseline, id, scenario, language, referenceAnswer);
    }

    /**
     * This case with a reference answer of its own (Prometheus 2 compares both responses with it).
     *
     * <pre>{@code
     * PairedCase.of("What is 2+2?", "4", "four-ish").withReferenceAnswer("2 + 2 = 4");
     * }</pre>
     */
    public PairedCase withReferenceAnswer(String referenceAnswer) {
        return new PairedCase(query, candidate, baseline, id, scenario, language,
                Objects.requireNonNull(referenceAnswer, "referenceAnswer"));
    }

    /** The language to judge in: the given one, else {@link Language#EN}. */
    Language languageOrDefault() {
        return language != null ? language : Language.EN;
    }

    /** The case's name in messages: its id, else {@code #n} for its 1-based position. */
    String name(int index) {
        return id != null ? id : "#" + (index + 1);
    }
}
