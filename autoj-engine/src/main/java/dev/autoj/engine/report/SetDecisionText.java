package dev.autoj.engine.report;

import static dev.autoj.engine.report.Figures.count;
import static dev.autoj.engine.report.Figures.number;
import static dev.autoj.engine.report.Figures.share;

import dev.autoj.engine.report.SetDecision.Case;
import dev.autoj.engine.report.SetDecision.Counts;
import dev.autoj.engine.report.SetDecision.Decision;
import java.util.ArrayList;
import java.util.List;

/**
 * Every rendering of a {@link SetDecision}, in one place: the assertion's message, the name–value
 * rows of {@code summary.md} and the Allure step, the step's title and the one-cell form of
 * {@code autoj gate}. A new figure is one line here (a figure only one method has: a line in that
 * method's branch of {@code methodRow}, {@code methodLine}, {@code methodBrief}).
 *
 * <pre>{@code
 * String message = SetDecisionText.message(decision);      // what a failing assertion prints
 * for (String[] row : SetDecisionText.rows(decision)) {     // "mean case score" → "0.684 (one-sided 95% lower bound 0.599)"
 *     System.out.println(row[0] + ": " + row[1]);
 * }
 * }</pre>
 */
public final class SetDecisionText {

    /** Cases listed by name in a message before "… and n more". */
    private static final int LISTED = 12;

    private SetDecisionText() {
    }

    /** The assertion's description of a decision: every figure, the undecided cases and the cases the candidate lost. */
    public static String message(SetDecision d) {
        Counts c = d.counts();
        String level = Figures.level(d.significance());
        StringBuilder m = new StringBuilder("\nExpecting the candidates of ").append(c.cases()).append(" paired cases ")
                .append(expectation(d)).append('\n')
                .append("decision: ").append(d.decision()).append(" (").append(d.reason()).append(")\n")
                .append("cases: ").append(c.cases()).append(" given, ").append(c.judged()).append(" judged in both orders, ")
                .append(c.decided()).append(" decided, ").append(c.undecided()).append(" undecided (an order without verdict)\n")
                .append("wins / ties / losses: ").append(c.wins()).append(" / ").append(c.ties()).append(" / ").append(c.losses())
                .append("; position flips (won one order, lost the other; scored ½): ").append(c.positionFlips()).append('\n')
                .append("mean case score: ").append(number(d.mean().value())).append(" (one-sided ").append(level)
                .append(" lower bound ").append(number(d.mean().lowerBound())).append(")\n")
                .append("win share among decided cases: ").append(share(d.winShare().value())).append(" (").append(level)
                .append(" Wilson interval ").append(share(d.winShare().low())).append("–").append(share(d.winShare().high()))
                .append(")\n")
                .append(methodLine(d)).append('\n');
        m.append("cases needed: ").append(d.casesNeeded() < 0
                ? "none would show it: the observed effect points the other way"
                : d.casesNeeded() + " decided cases would detect the observed effect with power 0.8 at α = "
                        + number(d.significance())).append('\n');
        m.append("judged: ").append(judged(d));
        List<Case> undecided = d.cases().stream().filter(k -> k.judged() && !k.decided()).toList();
        if (!undecided.isEmpty()) {
            m.append("\nundecided cases:");
            undecided.stream().limit(LISTED).forEach(k -> m.append("\n  ").append(k.name()).append(": ").append(k.undecidedReason()));
            more(m, undecided.size());
        }
        List<Case> lost = d.cases().stream().filter(k -> k.decided() && k.score() < 0.5).toList();
        if (!lost.isEmpty()) {
            m.append("\ncases the candidate lost (score): ");
            m.append(String.join(", ", lost.stream().limit(LISTED).map(k -> k.name() + " (" + Figures.caseScore(k.score()) + ")")
                    .toList()));
            more(m, lost.size());
        }
        return m.toString();
    }

    /** Name–value rows of every figure, in the order of the assertion's message: summary.md's table, the Allure step's parameters. */
    public static List<String[]> rows(SetDecision d) {
        Counts c = d.counts();
        String level = Figures.level(d.significance());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"cases", c.cases() + " given, " + c.judged() + " judged in both orders, " + c.decided()
                + " decided, " + c.undecided() + " undecided"});
        rows.add(new String[] {"wins / ties / losses / undecided", wtlu(c, " / ")});
        rows.add(new String[] {"position flips", c.positionFlips() + " (won one order, lost the other; scored ½)"});
        rows.add(new String[] {"mean case score", number(d.mean().value()) + " (one-sided " + level + " lower bound "
                + number(d.mean().lowerBound()) + ")"});
        rows.add(new String[] {"win share", share(d.winShare().value()) + " (" + level + " Wilson interval "
                + share(d.winShare().low()) + "–" + share(d.winShare().high()) + ")"});
        rows.add(methodRow(d));
        rows.add(new String[] {"cases needed", d.casesNeeded() < 0 ? "none would show it: the observed effect points the other way"
                : d.casesNeeded() + " decided cases for power 0.8"});
        rows.add(new String[] {"decision", d.decision() + " (" + d.reason() + ")"});
        return rows;
    }

    /** The rows as a two-column Markdown table. */
    public static String table(SetDecision d) {
        StringBuilder md = new StringBuilder("| figure | value |\n|---|---|\n");
        for (String[] row : rows(d)) {
            md.append("| ").append(row[0]).append(" | ").append(row[1].replace("|", "\\|")).append(" |\n");
        }
        return md.toString();
    }

    /** The step title after "Auto-J ", e.g. {@code isPreferredOverBaseline: PASS over 61 cases (37 W / 11 T / 13 L / 0 undecided)}. */
    public static String title(SetDecision d) {
        return d.assertion() + ": " + d.decision() + " over " + count(d.counts().cases(), "case") + " (" + wtlu(d.counts(), " ")
                + ")";
    }

    /** One line of a test's judgments in summary.md: {@code isPreferredOverBaseline: PASS over 61 judged cases, 37 W / …}. */
    public static String line(SetDecision d) {
        return d.assertion() + ": " + d.decision() + " over " + count(d.counts().judged(), "judged case") + ", "
                + wtlu(d.counts(), " ") + (d.passed() ? "" : " ✗");
    }

    /** One decision in a table cell: {@code **PASS** · 61 cases: 37 W / 11 T / 13 L / 0 undecided · 12 flips · mean 0.684 (≥ 0.599) · …}. */
    public static String cell(SetDecision d) {
        Counts c = d.counts();
        List<String> parts = new ArrayList<>();
        parts.add("**" + d.decision() + "**");
        parts.add(c.cases() + " cases: " + wtlu(c, " "));
        parts.add(c.positionFlips() + (c.positionFlips() == 1 ? " flip" : " flips"));
        parts.add("mean " + number(d.mean().value()) + " (≥ " + number(d.mean().lowerBound()) + ")");
        parts.add("win share " + share(d.winShare().value()) + " (" + share(d.winShare().low()) + "–" + share(d.winShare().high()) + ")");
        parts.add(methodBrief(d));
        return String.join(" · ", parts);
    }

    /**
     * {@code ✅ PASS}, {@code ❌ FAIL}, {@code ⏭ INCONCLUSIVE (test aborted)} or {@code ❌ INCONCLUSIVE (fails …)}:
     * an inconclusive decision fails its test only under {@code autoj.inconclusive=fail}, and aborts it otherwise.
     */
    public static String outcome(Decision decision, boolean inconclusiveFails) {
        return switch (decision) {
            case PASS -> "✅ PASS";
            case FAIL -> "❌ FAIL";
            case INCONCLUSIVE -> inconclusiveFails ? "❌ INCONCLUSIVE (fails the test: autoj.inconclusive=fail)"
                    : "⏭ INCONCLUSIVE (test aborted)";
        };
    }

    // ---- what only one method has: one branch per method in each ----

    /** What the assertion expected, after "Expecting the candidates of n paired cases". */
    private static String expectation(SetDecision d) {
        String alpha = "α = " + number(d.significance());
        if (d.method() instanceof SetDecision.NonInferiority n) {
            return "to be not worse than the baseline by more than " + number(n.margin())
                    + " in mean case score (Student-t lower bound, " + alpha + ")";
        }
        String test = d.method() instanceof SetDecision.Sequential ? "sequential probability ratio test" : "exact one-sided sign test";
        return "to be preferred over the baseline (" + test + ", " + alpha + ")";
    }

    /** The method's figures in one line of the message. */
    private static String methodLine(SetDecision d) {
        if (d.method() instanceof SetDecision.SignTest t) {
            return "sign test: p = " + Figures.pValue(t.pValue()) + " (exact one-sided, " + d.counts().wins() + " wins of "
                    + (d.counts().wins() + d.counts().losses()) + " non-tied cases)";
        }
        if (d.method() instanceof SetDecision.Sequential q) {
            return "SPRT: " + llr(q);
        }
        return "non-inferiority: pass when the lower bound ≥ ½ − margin = " + number(0.5 - d.margin());
    }

    /** The method's figures as a name–value row. */
    private static String[] methodRow(SetDecision d) {
        String alpha = "α = " + number(d.significance());
        if (d.method() instanceof SetDecision.SignTest t) {
            return new String[] {"sign test", "p = " + Figures.pValue(t.pValue()) + " (exact one-sided, " + alpha + ")"};
        }
        if (d.method() instanceof SetDecision.Sequential q) {
            return new String[] {"SPRT", llr(q)};
        }
        return new String[] {"non-inferiority", "margin " + number(d.margin()) + ": pass when the lower bound ≥ ½ − margin = "
                + number(0.5 - d.margin()) + " (" + alpha + ")"};
    }

    /** The method's figures in the few words of a table cell. */
    private static String methodBrief(SetDecision d) {
        if (d.method() instanceof SetDecision.SignTest t) {
            return "p = " + Figures.pValue(t.pValue());
        }
        if (d.method() instanceof SetDecision.Sequential q) {
            return "LLR " + number(q.llr()) + " (" + number(q.lowerBound()) + " / " + number(q.upperBound()) + ")";
        }
        return "margin " + number(d.margin());
    }

    private static String llr(SetDecision.Sequential q) {
        return "LLR = " + number(q.llr()) + ", fail at ≤ " + number(q.lowerBound()) + ", pass at ≥ " + number(q.upperBound())
                + (q.decidedAt() == null ? "" : ", decided at case " + q.decidedAt());
    }

    /** {@code 37 W / 11 T / 13 L / 0 undecided} (separator " "), or {@code 37 / 11 / 13 / 0} (separator " / "). */
    private static String wtlu(Counts c, String style) {
        return " ".equals(style) ? c.wins() + " W / " + c.ties() + " T / " + c.losses() + " L / " + c.undecided() + " undecided"
                : c.wins() + " / " + c.ties() + " / " + c.losses() + " / " + c.undecided();
    }

    private static String judged(SetDecision d) {
        Counts c = d.counts();
        if (c.judged() == c.cases()) {
            return "all " + c.cases() + " cases";
        }
        List<Case> notJudged = d.cases().stream().filter(k -> !k.judged()).toList();
        return "the first " + c.judged() + " cases; " + notJudged.size() + " not needed (" + notJudged.get(0).name()
                + (notJudged.size() > 1 ? " to " + notJudged.get(notJudged.size() - 1).name() : "") + ")";
    }

    private static void more(StringBuilder m, int size) {
        if (size > LISTED) {
            m.append(" … and ").append(size - LISTED).append(" more (all in result().cases())");
        }
    }
}
