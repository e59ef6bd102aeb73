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
 */
public record PairedCase(String query, String candidate, String baseline, String id, Scenario scenario, Language language) {

    public PairedCase {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(baseline, "baseline");
    }

    /** A case without id, scenario or language. */
    public static PairedCase of(String query, String candidate, String baseline) {
        return new PairedCase(query, candidate, baseline, null, null, null);
    }

    /** This case with {@code id}. */
    public PairedCase withId(String id) {
        return new PairedCase(query, candidate, baseline, id, scenario, language);
    }

    /** This case with {@code scenario}. */
    public PairedCase withScenario(Scenario scenario) {
        return new PairedCase(query, candidate, baseline, id, scenario, language);
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
