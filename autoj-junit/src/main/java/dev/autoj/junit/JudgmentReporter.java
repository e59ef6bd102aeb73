package dev.autoj.junit;

import dev.autoj.assertions.JudgmentReport;
import dev.autoj.assertions.SetReport;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Puts one judgment, or one set-level decision, into a test report. */
interface JudgmentReporter {

    /**
     * @param test the running test's context
     * @param firstOfScenario true for the test's first judgment in this scenario (labels go on once)
     */
    void report(JudgmentReport report, ExtensionContext test, boolean firstOfScenario);

    /** Puts one set-level decision into the report, after the judgments of its cases. */
    void reportSet(SetReport report, ExtensionContext test);

    /** Step and entry names, e.g. {@code "Auto-J scoresAtLeast: rating 7 (passed)"}. */
    static String title(JudgmentReport r) {
        String outcome;
        if (r.comparison() != null) {
            outcome = "verdicts " + Messages.order(r.comparison().original()) + " / " + Messages.order(r.comparison().swapped())
                    + (r.comparison().consistent() ? " (consistent)" : " (orders disagree)");
        } else if (r.judgment().isNoVerdict()) {
            outcome = "no verdict";
        } else {
            outcome = "rating " + Messages.rating(r.judgment().rating());
        }
        return "Auto-J " + r.assertion() + ": " + outcome + (r.passed() ? " — passed" : " — FAILED");
    }

    /** Small text helpers shared by the reporters and the summary. */
    final class Messages {
        private Messages() {
        }

        static String order(dev.autoj.engine.Judgment j) {
            return j.verdict() == null ? "no verdict" : switch (j.verdict()) {
                case RESPONSE_1 -> "Response 1";
                case RESPONSE_2 -> "Response 2";
                case TIE -> "Tie";
            };
        }

        static String rating(double rating) {
            return rating == Math.rint(rating) ? String.valueOf((long) rating) : String.valueOf(rating);
        }
    }
}
