package dev.autoj.assertions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.assertions.SetStatistics.MeanBound;
import dev.autoj.assertions.SetStatistics.Outcome;
import dev.autoj.assertions.SetStatistics.Sprt;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Monte-Carlo check of the decision rules on synthetic case scores (the statistics layer alone,
 * no judge): under "no difference" each rule passes in at most α of the sets, plus three
 * Monte-Carlo standard errors; at the SPRT's alternative it fails in at most β. Fixed seed.
 */
class SetLevelSimulationTest {

    private static final int SETS = 4000;
    private static final double ALPHA = 0.05;
    /** Three standard errors of a rate near α estimated from SETS sets. */
    private static final double SLACK = 3 * Math.sqrt(ALPHA * (1 - ALPHA) / SETS);

    @Test
    void fixedSignTestPassesAtMostAlphaWhenNeitherPromptIsBetter() {
        SplittableRandom random = new SplittableRandom(13);
        int passes = 0;
        for (int set = 0; set < SETS; set++) {
            Outcome outcome = signTest(nullScores(random, 60));
            passes += outcome == Outcome.PASS ? 1 : 0;
        }
        double rate = (double) passes / SETS;
        System.out.printf(Locale.ROOT, "sign test, 60 cases, true win share ½: pass rate %.4f (α = %.2f)%n", rate, ALPHA);
        assertThat(rate).isLessThanOrEqualTo(ALPHA + SLACK);
    }

    @Test
    void nonInferiorityPassesAtMostAlphaWhenTheCandidateIsExactlyAMarginWorse() {
        SplittableRandom random = new SplittableRandom(17);
        int passes = 0;
        for (int set = 0; set < SETS; set++) {
            // Scores 1, ½, 0 with probabilities 0.3, 0.3, 0.4: mean 0.45 = ½ − margin 0.05.
            double[] scores = new double[60];
            for (int i = 0; i < scores.length; i++) {
                double u = random.nextDouble();
                scores[i] = u < 0.3 ? 1 : u < 0.6 ? 0.5 : 0;
            }
            passes += SetStatistics.nonInferiority(MeanBound.of(scores, ALPHA), 0.05) == Outcome.PASS ? 1 : 0;
        }
        double rate = (double) passes / SETS;
        System.out.printf(Locale.ROOT, "non-inferiority, margin 0.05, 60 cases, true mean 0.45: pass rate %.4f%n", rate);
        assertThat(rate).isLessThanOrEqualTo(ALPHA + SLACK);
    }

    @Test
    void sprtPassesAtMostAlphaUnderNoDifferenceAndFailsAtMostBetaAtItsAlternative() {
        SplittableRandom random = new SplittableRandom(19);
        double p1 = 0.65;
        int passesAtHalf = 0;
        int failsAtP1 = 0;
        long decidedAtP1 = 0;
        for (int set = 0; set < SETS; set++) {
            Sprt underNull = SetStatistics.sprt(nullScores(random, 2000), p1, ALPHA, ALPHA);
            passesAtHalf += underNull.outcome() == Outcome.PASS ? 1 : 0;
            Sprt underAlternative = SetStatistics.sprt(scores(random, 2000, p1, 0.2), p1, ALPHA, ALPHA);
            failsAtP1 += underAlternative.outcome() == Outcome.FAIL ? 1 : 0;
            decidedAtP1 += underAlternative.decidedAt() + 1;
        }
        double passRate = (double) passesAtHalf / SETS;
        double failRate = (double) failsAtP1 / SETS;
        double average = (double) decidedAtP1 / SETS;
        int fixed = SetStatistics.signTestCasesNeeded(p1, 0.2, ALPHA);
        System.out.printf(Locale.ROOT, "SPRT p1 = %.2f, α = β = %.2f: pass rate at ½ %.4f, fail rate at p1 %.4f; "
                + "average decided cases at p1 %.1f (20%% ties) vs fixed-sample sign test %d (power 0.8)%n",
                p1, ALPHA, passRate, failRate, average, fixed);
        assertThat(passRate).isLessThanOrEqualTo(ALPHA + SLACK);
        assertThat(failRate).isLessThanOrEqualTo(ALPHA + SLACK);
    }

    @Test
    void sprtNeedsFewerDecidedCasesOnAverageThanTheFixedSampleAtTheSamePower() {
        SplittableRandom random = new SplittableRandom(23);
        System.out.println("win share | fixed-sample sign test n | SPRT average n (α = 0.05, power 0.8, at p1 = win share)");
        for (double share : new double[] {0.6, 0.65, 0.7, 0.8}) {
            int fixed = SetStatistics.signTestCasesNeeded(share, 0, ALPHA);
            long total = 0;
            for (int set = 0; set < SETS; set++) {
                Sprt sprt = SetStatistics.sprt(scores(random, 5000, share, 0), share, ALPHA, 0.2);
                total += sprt.decidedAt() + 1;
            }
            double average = (double) total / SETS;
            System.out.printf(Locale.ROOT, "%.0f %% | %d | %.1f%n", share * 100, fixed, average);
            assertThat(average).isLessThan(fixed);
        }
    }

    private static Outcome signTest(double[] scores) {
        SetStatistics.Counts counts = SetStatistics.Counts.of(scores);
        return SetStatistics.signTest(counts.wins(), counts.losses(), ALPHA);
    }

    /** Case scores from two independent orders, each win / tie / loss with 0.4 / 0.2 / 0.4: no preference. */
    private static double[] nullScores(SplittableRandom random, int n) {
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            scores[i] = (order(random) + order(random)) / 2;
        }
        return scores;
    }

    private static double order(SplittableRandom random) {
        double u = random.nextDouble();
        return u < 0.4 ? 1 : u < 0.6 ? 0.5 : 0;
    }

    /** Case scores where {@code tieShare} of the cases tie and the candidate wins {@code winShare} of the rest. */
    private static double[] scores(SplittableRandom random, int n, double winShare, double tieShare) {
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            scores[i] = random.nextDouble() < tieShare ? 0.5 : random.nextDouble() < winShare ? 1 : 0;
        }
        return scores;
    }
}
