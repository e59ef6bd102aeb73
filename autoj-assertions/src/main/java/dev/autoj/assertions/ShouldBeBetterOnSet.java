package dev.autoj.assertions;

import static dev.autoj.assertions.CandidatesAssert.num;
import static dev.autoj.assertions.CandidatesAssert.pValue;

import dev.autoj.assertions.SetComparison.CaseResult;
import java.util.List;
import java.util.Locale;
import org.assertj.core.error.BasicErrorMessageFactory;
import org.assertj.core.error.ErrorMessageFactory;

/** A set-level decision that was not a pass (fail, or inconclusive): every figure of the {@link SetComparison}. */
final class ShouldBeBetterOnSet extends BasicErrorMessageFactory {

    /** Cases listed by name in a message before "… and n more". */
    private static final int LISTED = 12;

    private ShouldBeBetterOnSet(String message) {
        super("%s", unquotedString(message));
    }

    static ErrorMessageFactory shouldBeBetterOnSet(SetComparison r) {
        return new ShouldBeBetterOnSet(describe(r));
    }

    /** The full description of a set-level decision, also used for reports. */
    static String describe(SetComparison r) {
        StringBuilder m = new StringBuilder("\nExpecting the candidates of ").append(r.cases()).append(" paired cases ")
                .append(expectation(r)).append('\n')
                .append("decision: ").append(r.decision()).append(" (").append(r.reason()).append(")\n")
                .append("cases: ").append(r.cases()).append(" given, ").append(r.judged()).append(" judged in both orders, ")
                .append(r.decided()).append(" decided, ").append(r.undecided()).append(" undecided (an order without verdict)\n")
                .append("wins / ties / losses: ").append(r.wins()).append(" / ").append(r.ties()).append(" / ").append(r.losses())
                .append("; position flips (won one order, lost the other; scored ½): ").append(r.positionFlips()).append('\n')
                .append("mean case score: ").append(num(r.meanScore())).append(" (one-sided ").append(level(r))
                .append(" lower bound ").append(num(r.meanScoreLowerBound())).append(")\n")
                .append("win share among decided cases: ").append(percent(r.winShare())).append(" (").append(level(r))
                .append(" Wilson interval ").append(percent(r.winShareLow())).append("–").append(percent(r.winShareHigh()))
                .append(")\n");
        switch (r.method()) {
            case SIGN_TEST -> m.append("sign test: p = ").append(pValue(r.pValue())).append(" (exact one-sided, ")
                    .append(r.wins()).append(" wins of ").append(r.wins() + r.losses()).append(" non-tied cases)\n");
            case SEQUENTIAL -> m.append("SPRT: LLR = ").append(num(r.llr())).append(", fail at ≤ ").append(num(r.llrLowerBound()))
                    .append(", pass at ≥ ").append(num(r.llrUpperBound()))
                    .append(r.decidedAt() >= 0 ? ", decided at case " + r.caseResults().get(r.decidedAt()).name() : "")
                    .append('\n');
            case NON_INFERIORITY -> m.append("non-inferiority: pass when the lower bound ≥ ½ − margin = ")
                    .append(num(0.5 - r.margin())).append('\n');
        }
        m.append("cases needed: ").append(r.casesNeeded() < 0
                ? "none would show it: the observed effect points the other way"
                : r.casesNeeded() + " decided cases would detect the observed effect with power 0.8 at α = "
                        + num(r.significance())).append('\n');
        m.append("judged: ").append(judged(r));
        List<CaseResult> undecided = r.caseResults().stream().filter(c -> c.judged() && !c.decided()).toList();
        if (!undecided.isEmpty()) {
            m.append("\nundecided cases:");
            undecided.stream().limit(LISTED).forEach(c -> m.append("\n  ").append(c.name()).append(": ").append(c.undecidedReason()));
            more(m, undecided.size());
        }
        List<CaseResult> lost = r.caseResults().stream().filter(c -> c.decided() && c.score() < 0.5).toList();
        if (!lost.isEmpty()) {
            m.append("\ncases the candidate lost (score): ");
            m.append(String.join(", ", lost.stream().limit(LISTED).map(c -> c.name() + " (" + quarter(c.score()) + ")").toList()));
            more(m, lost.size());
        }
        return m.toString();
    }

    private static String expectation(SetComparison r) {
        String alpha = "α = " + num(r.significance());
        return switch (r.method()) {
            case SIGN_TEST -> "to be preferred over the baseline (exact one-sided sign test, " + alpha + ")";
            case SEQUENTIAL -> "to be preferred over the baseline (sequential probability ratio test, " + alpha + ")";
            case NON_INFERIORITY -> "to be not worse than the baseline by more than " + num(r.margin())
                    + " in mean case score (Student-t lower bound, " + alpha + ")";
        };
    }

    private static String judged(SetComparison r) {
        if (r.judged() == r.cases()) {
            return "all " + r.cases() + " cases";
        }
        List<CaseResult> notJudged = r.caseResults().stream().filter(c -> !c.judged()).toList();
        return "the first " + r.judged() + " cases; " + notJudged.size() + " not needed (" + notJudged.get(0).name()
                + (notJudged.size() > 1 ? " to " + notJudged.get(notJudged.size() - 1).name() : "") + ")";
    }

    private static void more(StringBuilder m, int size) {
        if (size > LISTED) {
            m.append(" … and ").append(size - LISTED).append(" more (all in result().caseResults())");
        }
    }

    private static String level(SetComparison r) {
        return String.format(Locale.ROOT, "%s%%", trim((1 - r.significance()) * 100));
    }

    private static String trim(double value) {
        String s = String.format(Locale.ROOT, "%.2f", value);
        return s.replaceAll("\\.?0+$", "");
    }

    private static String quarter(double score) {
        return score == 0 ? "0" : score == 0.25 ? "¼" : score == 0.5 ? "½" : score == 0.75 ? "¾" : "1";
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
