package dev.autoj.engine.agreement;

import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import java.util.List;
import java.util.Objects;

/**
 * One response to a query with the score the team's own people gave it, on the judge's scale
 * (Auto-J: 1 to 10). Many of them measure how closely a judge's ratings follow those people
 * ({@link SingleAgreement}). Read them from a file with {@link LabelledCases#read}.
 *
 * <pre>{@code
 * LabelledResponse r = LabelledResponse.of("Write a haiku about rain", poem, 6);
 * }</pre>
 *
 * @param id a name for reports, or null (then the case's 1-based position names it)
 * @param query the user query the response answers
 * @param response the judged response
 * @param humanScore the human score, a finite number on the judge's scale
 * @param scenario the Auto-J scenario to judge in, or null
 * @param tags the team's own groups for the per-tag figures; empty when none
 * @param language the protocol language, {@link Language#EN} unless given
 */
public record LabelledResponse(String id, String query, String response, double humanScore, Scenario scenario,
                               List<String> tags, Language language) {

    public LabelledResponse {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(response, "response");
        if (!Double.isFinite(humanScore)) {
            throw new IllegalArgumentException("a human score is a finite number, not " + humanScore);
        }
        tags = tags == null ? List.of() : List.copyOf(tags);
        language = language == null ? Language.EN : language;
    }

    /** A case without id, scenario or tags, in English. */
    public static LabelledResponse of(String query, String response, double humanScore) {
        return new LabelledResponse(null, query, response, humanScore, null, List.of(), Language.EN);
    }

    /** This case with {@code id}. */
    public LabelledResponse withId(String id) {
        return new LabelledResponse(id, query, response, humanScore, scenario, tags, language);
    }

    /** This case with {@code tags}. */
    public LabelledResponse withTags(List<String> tags) {
        return new LabelledResponse(id, query, response, humanScore, scenario, tags, language);
    }

    String name(int index) {
        return id != null ? id : "#" + (index + 1);
    }
}
