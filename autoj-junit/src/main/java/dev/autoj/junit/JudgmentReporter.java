package dev.autoj.junit;

import dev.autoj.assertions.JudgmentReport;
import dev.autoj.assertions.SetReport;
import dev.autoj.engine.report.Figures;
import dev.autoj.engine.report.RunSummary;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Puts one judgment, or one set-level decision, into a test report. */
interface JudgmentReporter {

    /**
     * @param test the running test's context
     * @param firstOfScenario true for the test's first judgment in this scenario (labels go on once)
     */
    void report(JudgmentReport report, List<RunSummary.AnswerUse> answers, ExtensionContext test, boolean firstOfScenario);

    /** Puts one set-level decision into the report, after the judgments of its cases. */
    void reportSet(SetReport report, ExtensionContext test);

    /** Step and entry names, e.g. {@code "Auto-J scoresAtLeast: rating 7 (passed)"}. */
    static String title(JudgmentReport r) {
        String outcome;
        if (r.comparison() != null) {
            outcome = Figures.byRole(r.comparison().original().verdict(), r.comparison().swapped().verdict());
        } else if (r.judgment().isNoVerdict()) {
            outcome = "no verdict";
        } else {
            outcome = "rating " + Figures.rating(r.judgment().rating());
        }
        return "Auto-J " + r.assertion() + ": " + outcome + (r.passed() ? " — passed" : " — FAILED");
    }
}
