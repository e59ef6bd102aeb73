package dev.autoj.assertions;

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
 *     r.cases().get(0).query();                   // the cases, in the order of r.result().caseResults()
 *     System.out.println(r.description());        // every figure, as the assertion's message gives them
 * }
 * }</pre>
 *
 * @param result the decision and its figures
 * @param cases the cases as given (index i belongs to {@code result.caseResults().get(i)})
 * @param description the figures in words, as an assertion message prints them
 * @param inconclusiveFails whether an inconclusive decision fails the test (else it aborts it)
 */
public record SetReport(SetComparison result, List<PairedCase> cases, String description, boolean inconclusiveFails) {

    public SetReport {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(description, "description");
        cases = List.copyOf(cases);
    }

    /** Whether the set-level expectation held (decision PASS). */
    public boolean passed() {
        return result.decision() == SetComparison.Decision.PASS;
    }
}
