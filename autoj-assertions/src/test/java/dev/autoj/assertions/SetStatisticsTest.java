package dev.autoj.assertions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.autoj.assertions.SetStatistics.MeanBound;
import dev.autoj.assertions.SetStatistics.Outcome;
import org.junit.jupiter.api.Test;

/** The statistics pinned to values published elsewhere (tables, textbooks), not to this code's own output. */
class SetStatisticsTest {

    @Test
    void binomialTailOfFifteenWinsOutOfTwentyIsTheTabulatedOneSidedP() {
        // Σ_{k=15..20} C(20,k)/2^20 = 21700/1048576.
        assertThat(SetStatistics.signTestP(15, 5)).isCloseTo(21700.0 / 1048576, within(1e-12));
        assertThat(SetStatistics.signTestP(15, 5)).isCloseTo(0.0207, within(5e-5));
    }

    @Test
    void binomialTailMatchesDirectSumsAtTheEdges() {
        assertThat(SetStatistics.binomialUpperTail(10, 0)).isEqualTo(1);
        assertThat(SetStatistics.binomialUpperTail(10, 11)).isZero();
        assertThat(SetStatistics.binomialUpperTail(10, 10)).isCloseTo(1.0 / 1024, within(1e-15));
        assertThat(SetStatistics.binomialUpperTail(3, 2, 0.7)).isCloseTo(3 * 0.49 * 0.3 + 0.343, within(1e-14));
    }

    @Test
    void studentTQuantilesMatchTheTTable() {
        assertThat(SetStatistics.studentTQuantile(0.95, 41)).isCloseTo(1.683, within(5e-4));
        assertThat(SetStatistics.studentTQuantile(0.975, 10)).isCloseTo(2.228, within(5e-4));
        assertThat(SetStatistics.studentTQuantile(0.95, 1)).isCloseTo(6.314, within(5e-4));
        assertThat(SetStatistics.studentTQuantile(0.99, 120)).isCloseTo(2.358, within(5e-4));
        assertThat(SetStatistics.studentTQuantile(0.05, 41)).isCloseTo(-1.683, within(5e-4));
    }

    @Test
    void normalQuantileIsTheFamiliarOneNinetySix() {
        assertThat(SetStatistics.normalQuantile(0.975)).isCloseTo(1.959964, within(1e-6));
        assertThat(SetStatistics.normalQuantile(0.8)).isCloseTo(0.841621, within(1e-6));
    }

    @Test
    void wilsonIntervalsMatchNewcombesWorkedExamples() {
        // Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (score interval, 95 %).
        assertInterval(SetStatistics.wilson(81, 263, 0.05), 0.2553, 0.3662);
        assertInterval(SetStatistics.wilson(15, 148, 0.05), 0.0624, 0.1605);
        assertInterval(SetStatistics.wilson(0, 20, 0.05), 0.0, 0.1611);
        assertInterval(SetStatistics.wilson(1, 29, 0.05), 0.0061, 0.1718);
    }

    @Test
    void sprtBoundsAtFivePercentAreLnNineteen() {
        assertThat(SetStatistics.sprtUpper(0.05, 0.05)).isCloseTo(2.944, within(5e-4));
        assertThat(SetStatistics.sprtLower(0.05, 0.05)).isCloseTo(-2.944, within(5e-4));
    }

    @Test
    void sprtStopsAtTheFirstCrossingAndSkipsTies() {
        // p1 = 0.75: a win adds ln 1.5 = 0.405; 2.944 / 0.405 → the 8th win crosses.
        double[] scores = {1, 0.5, 1, 1, 0.75, 1, 0.5, 1, 1, 1, 0, 0, 0};
        SetStatistics.Sprt sprt = SetStatistics.sprt(scores, 0.75, 0.05, 0.05);
        assertThat(sprt.outcome()).isEqualTo(Outcome.PASS);
        assertThat(sprt.decidedAt()).isEqualTo(9);
        assertThat(sprt.wins()).isEqualTo(8);
        assertThat(sprt.llr()).isCloseTo(8 * Math.log(1.5), within(1e-12));
    }

    @Test
    void nonInferiorityBoundIsMeanMinusTTimesStandardError() {
        double[] scores = {0.5, 0.75, 0.25, 1, 0.5, 0.5, 0.75, 0.25, 0.5, 1};
        MeanBound bound = MeanBound.of(scores, 0.05);
        // mean 0.6, sample sd √(0.65/9) = 0.269 (by hand), t(0.95; 9) = 1.833 (t table).
        assertThat(bound.mean()).isCloseTo(0.6, within(1e-12));
        assertThat(bound.sd()).isCloseTo(Math.sqrt(0.65 / 9), within(1e-12));
        assertThat(bound.lower()).isCloseTo(0.6 - 1.833 * Math.sqrt(0.65 / 9) / Math.sqrt(10), within(5e-4));
        assertThat(SetStatistics.nonInferiority(bound, 0.1)).isEqualTo(Outcome.PASS);
        assertThat(SetStatistics.nonInferiority(bound, 0.0)).isEqualTo(Outcome.INCONCLUSIVE);
        assertThat(SetStatistics.nonInferiority(MeanBound.of(new double[] {1}, 0.05), 0.1)).isEqualTo(Outcome.INCONCLUSIVE);
    }

    @Test
    void signTestCasesNeededIsTheSmallestExactSampleWithEightyPercentPower() {
        int n = SetStatistics.signTestCasesNeeded(0.7, 0, 0.05);
        // Independently: power of the exact one-sided test at n and n − 1 around the answer.
        assertThat(power(n, 0.7)).isGreaterThanOrEqualTo(0.8);
        for (int smaller = 1; smaller < n; smaller++) {
            assertThat(power(smaller, 0.7)).isLessThan(0.8);
        }
        assertThat(SetStatistics.signTestCasesNeeded(0.7, 0.5, 0.05)).isEqualTo(2 * n);
        assertThat(SetStatistics.signTestCasesNeeded(0.5, 0, 0.05)).isEqualTo(-1);
    }

    private static double power(int n, double p) {
        // Direct sums, independent of the incomplete beta function.
        double[] half = new double[n + 1];
        double[] alt = new double[n + 1];
        for (int k = 0; k <= n; k++) {
            double c = Math.exp(SetStatistics.logGamma(n + 1.0) - SetStatistics.logGamma(k + 1.0) - SetStatistics.logGamma(n - k + 1.0));
            half[k] = c * Math.pow(0.5, n);
            alt[k] = c * Math.pow(p, k) * Math.pow(1 - p, n - k);
        }
        double tail = 0;
        double powerSum = 0;
        for (int k = n; k >= 0; k--) {
            if (tail + half[k] >= 0.05) {
                break;
            }
            tail += half[k];
            powerSum += alt[k];
        }
        return powerSum;
    }

    private static void assertInterval(double[] interval, double low, double high) {
        assertThat(interval[0]).isCloseTo(low, within(5e-5));
        assertThat(interval[1]).isCloseTo(high, within(5e-5));
    }
}
