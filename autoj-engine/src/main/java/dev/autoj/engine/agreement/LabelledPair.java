package dev.autoj.engine.agreement;

import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.internal.Components;
import java.util.List;

/**
 * A pair of responses to one query with the verdict of the team's own people: which response is
 * better, or a tie. Many of them measure how often a judge agrees with those people
 * ({@link PairwiseAgreement}). Read them from a file with {@link LabelledCases#read}.
 *
 * <pre>{@code
 * LabelledPair p = LabelledPair.of("What is 2+2?", "4", "5", Verdict.RESPONSE_1).withTags(List.of("math"));
 * }</pre>
 *
 * @param id a name for reports, or null (then the case's 1-based position names it)
 * @param query the user query both responses answer
 * @param response1 the response shown first in the original order
 * @param response2 the response shown second in the original order
 * @param label the human verdict about the original order
 * @param scenario the Auto-J scenario to judge in, or null (the classifier's answer when configured, else default)
 * @param tags the team's own groups for the per-tag figures; empty when none
 * @param language the protocol language, {@link Language#EN} unless given
 */
public record LabelledPair(String id, String query, String response1, String response2, Verdict label,
                           Scenario scenario, List<String> tags, Language language) {

    public LabelledPair {
        Components.requireNonNull("query response1 response2 label", query, response1, response2, label);
        tags = tags == null ? List.of() : List.copyOf(tags);
        language = language == null ? Language.EN : language;
    }

    /** A case without id, scenario or tags, in English. */
    public static LabelledPair of(String query, String response1, String response2, Verdict label) {
        return new LabelledPair(null, query, response1, response2, label, null, List.of(), Language.EN);
    }

    /** This case with {@code id}. */
    public LabelledPair withId(String id) {
        return new LabelledPair(id, query, response1, response2, label, scenario, tags, language);
    }

    /** This case with {@code scenario}. */
    public LabelledPair withScenario(Scenario scenario) {
        return new LabelledPair(id, query, response1, response2, label, scenario, tags, language);
    }

    /** This case with {@code tags}. */
    public LabelledPair withTags(List<String> tags) {
        return new LabelledPair(id, query, response1, response2, label, scenario, tags, language);
    }

    /** The case's name in reports: its id, else {@code #n} for its 1-based position. */
    String name(int index) {
        return id != null ? id : "#" + (index + 1);
    }
}
