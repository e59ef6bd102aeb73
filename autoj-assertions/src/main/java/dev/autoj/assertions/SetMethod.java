package dev.autoj.assertions;

import static dev.autoj.engine.report.Figures.number;

import dev.autoj.assertions.SetStatistics.Counts;
import dev.autoj.assertions.SetStatistics.MeanBound;
import dev.autoj.assertions.SetStatistics.Outcome;
import dev.autoj.assertions.SetStatistics.Sprt;
import dev.autoj.engine.report.Figures;
import dev.autoj.engine.report.SetDecision;
import java.util.List;

/**
 * One statistical method of {@link CandidatesAssert}: when judging may stop, and how the judged
 * cases decide, with the reason and the method's own figures. The figures every method shares
 * (counts, mean, win share) are computed once by the assertion.
 */
sealed interface SetMethod permits SetMethod.SignTest, SetMethod.NonInferiority, SetMethod.Sequential {

    /**
     * What the judged cases show.
     *
     * @param cases every case so far, in the given order
     * @param scores the decided cases' scores, in order
     * @param counts wins, ties and losses of those scores
     * @param mean their mean and its lower bound
     * @param significance α
     */
    record Sample(List<JudgedCase> cases, double[] scores, Counts counts, MeanBound mean, double significance) {

        /** Wins among the non-tied decided cases, NaN without any. */
        double nonTiedWinShare() {
            return counts.wins() + counts.losses() == 0 ? Double.NaN : (double) counts.wins() / (counts.wins() + counts.losses());
        }

        /** Ties among the decided cases, 0 without any. */
        double tieShare() {
            return counts.decided() == 0 ? 0 : (double) counts.ties() / counts.decided();
        }
    }

    /** The decision of a method: outcome, reason, its own figures and the cases needed. */
    record Result(Outcome outcome, String reason, SetDecision.Method figures, int casesNeeded) {
    }

    /** Cases judged per batch: all at once unless the method can stop early. */
    default int chunk(int cases, int chunkSize) {
        return cases;
    }

    /** Whether judging can stop after these decided scores. */
    default boolean decided(double[] scores, double significance) {
        return false;
    }

    Result decide(Sample s);

    /** Exact one-sided sign test: pass when p &lt; α, fail when wins ≤ losses, else inconclusive. */
    record SignTest() implements SetMethod {
        @Override
        public Result decide(Sample s) {
            Counts c = s.counts();
            double alpha = s.significance();
            double p = SetStatistics.signTestP(c.wins(), c.losses());
            Outcome outcome = SetStatistics.signTest(c.wins(), c.losses(), alpha);
            String reason = switch (outcome) {
                case PASS -> "sign test p = " + Figures.pValue(p) + " < α = " + number(alpha);
                case FAIL -> "the candidate did not win more cases than it lost (" + c.wins() + " wins, " + c.losses() + " losses)";
                case INCONCLUSIVE -> "more wins than losses, but sign test p = " + Figures.pValue(p) + " ≥ α = " + number(alpha);
            };
            return new Result(outcome, reason, new SetDecision.SignTest(p),
                    SetStatistics.signTestCasesNeeded(s.nonTiedWinShare(), s.tieShare(), alpha));
        }
    }

    /** Student-t lower bound of the mean case score against ½ − margin. */
    record NonInferiority(double margin) implements SetMethod {
        @Override
        public Result decide(Sample s) {
            MeanBound mean = s.mean();
            Outcome outcome = SetStatistics.nonInferiority(mean, margin);
            String threshold = number(0.5 - margin);
            String reason = switch (outcome) {
                case PASS -> "lower bound " + number(mean.lower()) + " of the mean score ≥ ½ − margin = " + threshold;
                case FAIL -> "mean score " + number(mean.mean()) + " < ½ − margin = " + threshold;
                case INCONCLUSIVE -> mean.n() < 2
                        ? "fewer than 2 decided cases (" + mean.n() + "): no bound for the mean score"
                        : "mean score " + number(mean.mean()) + " ≥ " + threshold + " but its lower bound "
                                + number(mean.lower()) + " < " + threshold;
            };
            return new Result(outcome, reason, new SetDecision.NonInferiority(margin),
                    SetStatistics.nonInferiorityCasesNeeded(mean.mean(), mean.sd(), margin, s.significance()));
        }
    }

    /**
     * Wald's SPRT against the alternative that the candidate wins {@code p1} of the non-tied cases,
     * with error rates α (the significance) and β; judged chunk by chunk, stopping once a bound is crossed.
     */
    record Sequential(double p1, Double beta) implements SetMethod {

        @Override
        public int chunk(int cases, int chunkSize) {
            return chunkSize;
        }

        @Override
        public boolean decided(double[] scores, double significance) {
            return sprt(scores, significance).outcome() != Outcome.INCONCLUSIVE;
        }

        private Sprt sprt(double[] scores, double alpha) {
            return SetStatistics.sprt(scores, p1, alpha, beta != null ? beta : alpha);
        }

        @Override
        public Result decide(Sample s) {
            Sprt sprt = sprt(s.scores(), s.significance());
            String decidedAt = null;
            if (sprt.outcome() != Outcome.INCONCLUSIVE) {
                // Map the index among decided scores back to the case it belongs to.
                int seen = -1;
                for (JudgedCase c : s.cases()) {
                    if (c.decided() && ++seen == sprt.decidedAt()) {
                        decidedAt = c.name();
                        break;
                    }
                }
            }
            String llr = number(sprt.llr());
            String at = decidedAt == null ? "" : " at case " + decidedAt + " (after " + sprt.wins() + " wins and " + sprt.losses()
                    + " losses)";
            String reason = switch (sprt.outcome()) {
                case PASS -> "SPRT LLR " + llr + " ≥ upper bound " + number(sprt.upper()) + at;
                case FAIL -> "SPRT LLR " + llr + " ≤ lower bound " + number(sprt.lower()) + at;
                case INCONCLUSIVE -> "the cases ran out with SPRT LLR " + llr + " between " + number(sprt.lower()) + " and "
                        + number(sprt.upper());
            };
            return new Result(sprt.outcome(), reason, new SetDecision.Sequential(sprt.llr(), sprt.lower(), sprt.upper(), decidedAt),
                    SetStatistics.signTestCasesNeeded(s.nonTiedWinShare(), s.tieShare(), s.significance()));
        }
    }
}
