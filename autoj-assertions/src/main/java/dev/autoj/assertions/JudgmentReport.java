package dev.autoj.assertions;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.protocol.Prompt;
import dev.autoj.engine.protocol.PromptBuilder;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One judgment an assertion made, with what was expected and whether it held; what a
 * {@link JudgeHandOff.Session} receives for reports. Exactly one of {@code comparison}
 * (pairwise) and {@code judgment} (single response) is set.
 *
 * <pre>{@code
 * public void judged(JudgmentReport r) {          // in a JudgeHandOff.Session
 *     r.judgments().get(0).critique();             // the critique (original order of a comparison)
 *     r.prompts().get(0).text();                   // the exact prompt the judge saw
 *     if (!r.passed()) System.out.println(r.failureMessage());
 * }
 * }</pre>
 *
 * @param assertion the assertion method, e.g. {@code "isPreferredOver"}
 * @param expectation the expectation in words, e.g. {@code "scores at least 7"}
 * @param query the user query
 * @param response the tested response
 * @param baseline the other response of a pairwise comparison, or null
 * @param scenario the scenario it was judged in
 * @param language the protocol language
 * @param policy the position policy of a pairwise comparison, or null
 * @param comparison the pairwise result, or null
 * @param judgment the single-response result, or null
 * @param passed whether the expectation held
 * @param failureMessage the assertion's failure message, or null when it passed
 */
public record JudgmentReport(
        String assertion,
        String expectation,
        String query,
        String response,
        String baseline,
        Scenario scenario,
        Language language,
        PositionPolicy policy,
        Comparison comparison,
        Judgment judgment,
        boolean passed,
        String failureMessage) {

    public JudgmentReport {
        Objects.requireNonNull(assertion, "assertion");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(language, "language");
        if ((comparison == null) == (judgment == null)) {
            throw new IllegalArgumentException("a report holds either a comparison or a single judgment");
        }
    }

    public Protocol protocol() {
        return comparison != null ? Protocol.PAIRWISE : Protocol.SINGLE;
    }

    /** The judgments in order: the single one, or original then swapped. */
    public List<Judgment> judgments() {
        return comparison != null ? List.of(comparison.original(), comparison.swapped()) : List.of(judgment);
    }

    /**
     * The rubric the judge graded against, as its prompt showed it (Prometheus 2), or null when the judge
     * had none (Auto-J judges by its own per-scenario criteria).
     */
    public String rubric() {
        return judgments().get(0).prompt().judgedTexts().get("rubric");
    }

    /** The reference answer the judge was given (Prometheus 2), or null. */
    public String referenceAnswer() {
        return judgments().get(0).prompt().judgedTexts().get("reference answer");
    }

    /** The exact prompts the judge saw, as the judgments carry them (same order as {@link #judgments()}). */
    public List<Prompt> prompts() {
        return judgments().stream().map(Judgment::prompt).toList();
    }

    /** Warnings about the judged texts (verdict markers, control-token strings), without duplicates. */
    public List<String> textWarnings() {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("query", query);
        texts.put("response", response);
        if (baseline != null) {
            texts.put("baseline", baseline);
        }
        return List.copyOf(new LinkedHashSet<>(PromptBuilder.textWarnings(texts)));
    }

    /** {@link #textWarnings()} plus the judge's own notes (e.g. a verdict-only record), without duplicates. */
    public List<String> warnings() {
        Set<String> all = new LinkedHashSet<>(textWarnings());
        judgments().forEach(j -> all.addAll(j.warnings()));
        return List.copyOf(all);
    }
}
