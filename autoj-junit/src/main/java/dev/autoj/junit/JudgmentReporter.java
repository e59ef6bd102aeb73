package dev.autoj.junit;

import dev.autoj.assertions.JudgmentReport;
import dev.autoj.assertions.SetReport;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.protocol.Prompt;
import dev.autoj.engine.report.Figures;
import dev.autoj.engine.report.RunSummary;
import java.util.ArrayList;
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

    /** Which judgment of the report a part belongs to: the only one, or one of a pair's two orders. */
    enum Order { ONLY, ORIGINAL, SWAPPED }

    /**
     * One text a report shows of a judgment: {@code "critique"}, {@code "prompt"} or {@code "judgment"} (its JSON form).
     *
     * @param json true for the judgment's JSON form, false for plain text
     */
    record Part(String name, Order order, String text, boolean json) {
    }

    /**
     * What every report shows of each judgment, in order: its critique (verdict-only records have none, and
     * JUnit refuses blank entry values), the prompt it answered and the judgment as JSON.
     */
    static List<Part> parts(JudgmentReport r) {
        List<Judgment> judgments = r.judgments();
        List<Prompt> prompts = r.prompts();
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < judgments.size(); i++) {
            Order order = judgments.size() == 1 ? Order.ONLY : i == 0 ? Order.ORIGINAL : Order.SWAPPED;
            Judgment j = judgments.get(i);
            if (j.critique() != null && !j.critique().isBlank()) {
                parts.add(new Part("critique", order, j.critique(), false));
            }
            parts.add(new Part("prompt", order, prompts.get(i).text(), false));
            parts.add(new Part("judgment", order, JudgmentJson.write(JudgmentJson.judgment(j)), true));
        }
        return parts;
    }

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
