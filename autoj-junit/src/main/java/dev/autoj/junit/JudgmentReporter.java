package dev.autoj.junit;

import dev.autoj.engine.report.RunSummary;
import java.util.List;

import dev.autoj.assertions.JudgmentReport;
import dev.autoj.assertions.SetReport;
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
            outcome = Messages.byRole(r.comparison());
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

        /**
         * A comparison named by role, not by position: {@code response preferred in both orders}, or
         * {@code response preferred when shown first, baseline preferred when shown second: position flip}.
         * In the original order the response is shown first (Response 1); in the swapped order second.
         */
        static String byRole(dev.autoj.engine.Comparison c) {
            String first = role(c.original(), true);
            String second = role(c.swapped(), false);
            if (first.equals(second)) {
                return first + " in both orders";
            }
            boolean flip = c.original().verdict() != null && c.swapped().verdict() != null;
            return first + " when the response is shown first, " + second + " when it is shown second" + (flip ? ": position flip" : "");
        }

        private static String role(dev.autoj.engine.Judgment j, boolean responseFirst) {
            if (j.verdict() == null) {
                return "no verdict";
            }
            return switch (j.verdict()) {
                case TIE -> "tie";
                case RESPONSE_1 -> responseFirst ? "response preferred" : "baseline preferred";
                case RESPONSE_2 -> responseFirst ? "baseline preferred" : "response preferred";
            };
        }

        static String rating(double rating) {
            return rating == Math.rint(rating) ? String.valueOf((long) rating) : String.valueOf(rating);
        }
    }
}
