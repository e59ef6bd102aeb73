package dev.autoj.engine.report;

import dev.autoj.engine.Verdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One set-level decision ({@code assertThatCandidates(..)}): the one record that the assertion
 * returns ({@code result()}), that its message, the Allure step and {@code summary.md} render
 * ({@link SetDecisionText}), that {@code summary.json} holds ({@code set_comparisons}, format
 * {@code autoj-summary/1}) and that {@code autoj gate} reads back. A figure that does not apply
 * (a bound below two decided cases) is NaN here and {@code null} in JSON.
 *
 * <pre>{@code
 * SetDecision d = assertThatCandidates(cases).isPreferredOverBaseline().result();
 * d.decision();                 // PASS
 * d.counts().wins();            // 37
 * d.mean().lowerBound();        // 0.599
 * if (d.method() instanceof SetDecision.SignTest t) {
 *     t.pValue();               // exact one-sided sign-test p-value
 * }
 * }</pre>
 *
 * <p>Counts, means and intervals cover the judged cases; for a sequential test the LLR and
 * {@code decidedAt} refer to the case where the test stopped.
 *
 * @param assertion the assertion, e.g. {@code isPreferredOverBaseline}
 * @param decision pass, fail or inconclusive
 * @param reason the decision in one sentence, with the numbers it rests on
 * @param counts cases given, judged, won, tied, lost, undecided, flipped
 * @param mean the mean case score and its lower bound
 * @param winShare wins among the decided cases, with its interval
 * @param method the statistical method and its own figures
 * @param significance α
 * @param casesNeeded decided cases that would detect the observed effect with power 0.8 at α
 *     (sign test for preference, the t bound for non-inferiority), -1 when the observed effect points the other way
 * @param cases every case, in the given order
 */
public record SetDecision(String assertion, Decision decision, String reason, Counts counts, Mean mean, WinShare winShare,
        Method method, double significance, int casesNeeded, List<Case> cases) {

    public SetDecision {
        Objects.requireNonNull(assertion, "assertion");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(method, "method");
        cases = List.copyOf(cases);
    }

    /** Pass, fail, or not enough evidence either way. */
    public enum Decision {
        PASS, FAIL, INCONCLUSIVE;

        /** {@code pass}, {@code fail}, {@code inconclusive}: the JSON spelling. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The cases, counted.
     *
     * @param cases cases given
     * @param judged cases judged in both orders (all of them unless a sequential test stopped early)
     * @param wins decided cases scoring above ½
     * @param ties decided cases scoring exactly ½ (including position flips)
     * @param losses decided cases scoring below ½
     * @param undecided judged cases where an order had no verdict, left out of every statistic
     * @param positionFlips cases whose orders disagreed (the candidate won one order and lost the other)
     */
    public record Counts(int cases, int judged, int wins, int ties, int losses, int undecided, int positionFlips) {
        /** The decided cases: judged and with a verdict in both orders. */
        public int decided() {
            return wins + ties + losses;
        }
    }

    /**
     * The mean case score over the decided cases.
     *
     * @param value the mean, NaN when no case was decided
     * @param lowerBound its one-sided (1 − α) Student-t lower bound, NaN below 2 decided cases
     */
    public record Mean(double value, double lowerBound) {
    }

    /**
     * Wins among the decided cases (wins + ties + losses).
     *
     * @param value the share, NaN when no case was decided
     * @param low lower end of its two-sided (1 − α) Wilson interval
     * @param high upper end of that interval
     */
    public record WinShare(double value, double low, double high) {
    }

    /**
     * The statistical method behind a decision, with the figures only it has: {@link SignTest},
     * {@link Sequential} or {@link NonInferiority}. {@link SetDecisionText} says how they read.
     */
    public sealed interface Method permits SignTest, Sequential, NonInferiority {

        /** {@code sign_test}, {@code sequential}, {@code non_inferiority}: the JSON spelling. */
        String jsonName();
    }

    /**
     * Exact one-sided sign test over the decided, non-tied cases.
     *
     * @param pValue P(X ≥ wins) for X ~ Binomial(wins + losses, ½)
     */
    public record SignTest(double pValue) implements Method {
        @Override
        public String jsonName() {
            return "sign_test";
        }
    }

    /**
     * Wald's sequential probability ratio test over the decided, non-tied cases, in the given order.
     *
     * @param llr the log-likelihood ratio at the decision, else after the last case
     * @param lowerBound ln(β/(1 − α)): the test fails at or below it
     * @param upperBound ln((1 − β)/α): the test passes at or above it
     * @param decidedAt the name of the case where the LLR crossed a bound, null when it did not
     */
    public record Sequential(double llr, double lowerBound, double upperBound, String decidedAt) implements Method {
        @Override
        public String jsonName() {
            return "sequential";
        }
    }

    /**
     * The Student-t lower bound of the mean case score against ½ − margin.
     *
     * @param margin how much worse than the baseline (in mean case score) still passes
     */
    public record NonInferiority(double margin) implements Method {
        @Override
        public String jsonName() {
            return "non_inferiority";
        }
    }

    /**
     * One case.
     *
     * @param name the case's id, else {@code #n} (1-based)
     * @param judged false when a sequential test stopped before this case's chunk
     * @param score 0, ¼, ½, ¾ or 1 for the candidate; null when not judged or undecided
     * @param verdicts original order (candidate first), then swapped order, as the judge saw them (null
     *     items without a verdict); empty when not judged
     * @param positionFlip the candidate won one order and lost the other
     * @param undecidedReason the parser's reason when an order had no verdict, else null
     */
    public record Case(String name, boolean judged, Double score, List<Verdict> verdicts, boolean positionFlip,
            String undecidedReason) {

        public Case {
            Objects.requireNonNull(name, "name");
            verdicts = verdicts == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(verdicts));
        }

        /** True when judged and both orders have a verdict. */
        public boolean decided() {
            return score != null;
        }
    }

    /** Whether the expectation held (decision PASS). */
    public boolean passed() {
        return decision == Decision.PASS;
    }

    /** The margin of a non-inferiority decision, NaN for the other methods. */
    public double margin() {
        return method instanceof NonInferiority n ? n.margin() : Double.NaN;
    }
}
