package dev.autoj.assertions;

import dev.autoj.engine.Comparison;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a set-level comparison by {@link CandidatesAssert}, with every figure its
 * message prints. Read it after the assertion returned, or from a caught failure's assertion
 * object:
 *
 * <pre>{@code
 * CandidatesAssert set = assertThatCandidates(cases).judgedBy(judge);
 * set.isPreferredOverBaseline();
 * SetComparison r = set.result();
 * r.decision();     // PASS
 * r.pValue();       // exact one-sided sign-test p-value
 * }</pre>
 *
 * <p>Counts (wins, ties, losses, flips, means, intervals) cover the judged cases; for a
 * sequential test the LLR and {@code decidedAt} refer to the case where the test stopped.
 *
 * @param assertion the assertion, e.g. {@code "isPreferredOverBaseline"}
 * @param method the statistical test
 * @param decision pass, fail or inconclusive
 * @param reason the decision in one sentence, with the numbers it rests on
 * @param cases cases given
 * @param judged cases judged (all of them unless a sequential test stopped early)
 * @param wins judged cases scoring above ½
 * @param ties judged cases scoring exactly ½ (including position flips)
 * @param losses judged cases scoring below ½
 * @param undecided judged cases where an order had no verdict, left out of every statistic
 * @param positionFlips cases whose orders disagreed (the candidate won one order and lost the other)
 * @param meanScore mean case score over the decided cases, NaN when none
 * @param meanScoreLowerBound one-sided (1 − α) Student-t lower bound of the mean score, NaN below 2 decided cases
 * @param winShare wins among the decided cases (wins + ties + losses), NaN when none
 * @param winShareLow lower end of the two-sided (1 − α) Wilson interval of the win share
 * @param winShareHigh upper end of that interval
 * @param pValue exact one-sided sign-test p-value, NaN for other methods
 * @param llr the SPRT log-likelihood ratio (at the decision, else after the last case), NaN for other methods
 * @param llrLowerBound ln(β/(1 − α)): the SPRT fails at or below it; NaN for other methods
 * @param llrUpperBound ln((1 − β)/α): the SPRT passes at or above it; NaN for other methods
 * @param decidedAt 0-based index of the case where the SPRT crossed a bound, -1 otherwise
 * @param significance α
 * @param margin the non-inferiority margin, NaN for other methods
 * @param casesNeeded decided cases that would detect the observed effect with power 0.8 at α
 *     (sign test for preference, the t bound for non-inferiority), -1 when the observed effect points the other way
 * @param caseResults every case, in the given order
 */
public record SetComparison(
        String assertion,
        Method method,
        Decision decision,
        String reason,
        int cases,
        int judged,
        int wins,
        int ties,
        int losses,
        int undecided,
        int positionFlips,
        double meanScore,
        double meanScoreLowerBound,
        double winShare,
        double winShareLow,
        double winShareHigh,
        double pValue,
        double llr,
        double llrLowerBound,
        double llrUpperBound,
        int decidedAt,
        double significance,
        double margin,
        int casesNeeded,
        List<CaseResult> caseResults) {

    public SetComparison {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(decision, "decision");
        caseResults = List.copyOf(caseResults);
    }

    /** Pass, fail, or not enough evidence either way. */
    public enum Decision {
        PASS, FAIL, INCONCLUSIVE
    }

    /** The statistical test behind the decision. */
    public enum Method {
        /** Exact one-sided sign test over the decided, non-tied cases. */
        SIGN_TEST,
        /** Student-t lower bound of the mean case score against ½ − margin. */
        NON_INFERIORITY,
        /** Wald's sequential probability ratio test over the decided, non-tied cases, in the given order. */
        SEQUENTIAL
    }

    /**
     * One case.
     *
     * @param index 0-based position in the given list
     * @param name the case's id, else {@code #n} (1-based)
     * @param judged false when a sequential test stopped before this case's chunk
     * @param score 0, ¼, ½, ¾ or 1 for the candidate; null when not judged or undecided
     * @param positionFlip the candidate won one order and lost the other
     * @param undecidedReason the parser's reason when an order had no verdict, else null
     * @param comparison both orders as judged (candidate = response 1), null when not judged
     */
    public record CaseResult(int index, String name, boolean judged, Double score, boolean positionFlip,
            String undecidedReason, Comparison comparison) {

        /** True when judged and both orders have a verdict. */
        public boolean decided() {
            return score != null;
        }
    }

    /** The decided cases: judged and with a verdict in both orders. */
    public int decided() {
        return wins + ties + losses;
    }
}
