package dev.autoj.assertions;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.report.SetDecision;
import dev.autoj.engine.report.SetDecisionText;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One set-level decision of {@link CandidatesAssert}, handed to the running
 * {@link JudgeHandOff.Session} after the per-case judgments: what the reports (Allure step, run
 * summary) show for the set as a whole.
 *
 * <pre>{@code
 * public void comparedSet(SetReport r) {          // in a JudgeHandOff.Session
 *     r.result().decision();                      // PASS, FAIL or INCONCLUSIVE
 *     r.cases().get(0).query();                   // the cases, in the order of r.result().cases()
 *     r.comparisons().get(0).original().critique();
 *     System.out.println(r.description());        // every figure, as the assertion's message gives them
 * }
 * }</pre>
 *
 * @param result the decision and its figures
 * @param cases the cases as given (index i belongs to {@code result.cases().get(i)})
 * @param comparisons each case's both orders as judged (candidate = response 1), null for a case not judged
 * @param inconclusiveFails whether an inconclusive decision fails the test (else it aborts it)
 */
public record SetReport(SetDecision result, List<PairedCase> cases, List<Comparison> comparisons, boolean inconclusiveFails) {

    public SetReport {
        Objects.requireNonNull(result, "result");
        cases = List.copyOf(cases);
        comparisons = Collections.unmodifiableList(new ArrayList<>(comparisons));
    }

    /** The figures in words, as the assertion's message prints them. */
    public String description() {
        return SetDecisionText.message(result);
    }

    /**
     * The rubrics the judged cases were compared under, as the prompts showed them, without duplicates (one for a
     * set judged with {@code withRubric(..)}; none for Auto-J).
     */
    public List<String> rubrics() {
        return comparisons.stream().filter(Objects::nonNull).map(c -> c.original().prompt().judgedTexts().get("rubric"))
                .filter(Objects::nonNull).distinct().toList();
    }

    /** How many judged cases had a reference answer in their prompts. */
    public int casesWithReferenceAnswer() {
        return (int) comparisons.stream().filter(Objects::nonNull)
                .filter(c -> c.original().prompt().judgedTexts().get("reference answer") != null).count();
    }

    /** Whether the set-level expectation held (decision PASS). */
    public boolean passed() {
        return result.passed();
    }
}
