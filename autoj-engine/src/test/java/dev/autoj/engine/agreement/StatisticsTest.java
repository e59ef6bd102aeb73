package dev.autoj.engine.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The closed formulas against values printed by other implementations: statsmodels 0.13.5
 * ({@code proportion_confint(method='wilson')}, {@code inter_rater.cohens_kappa}: kappa, std_kappa,
 * kappa_low, kappa_upp) and SciPy 1.10.1 ({@code pearsonr}, {@code spearmanr}).
 */
class StatisticsTest {

    @Test
    void wilsonIntervalsEqualStatsmodels() {
        Statistics.Interval zero = Statistics.wilson(0, 10);
        assertThat(zero.low()).isEqualTo(0.0);
        assertThat(zero.high()).isCloseTo(0.27753279986288926, within(1e-12));
        Statistics.Interval half = Statistics.wilson(5, 10);
        assertThat(half.low()).isCloseTo(0.23659309051256394, within(1e-12));
        assertThat(half.high()).isCloseTo(0.7634069094874361, within(1e-12));
        Statistics.Interval leaderboard = Statistics.wilson(765, 1392);
        assertThat(leaderboard.low()).isCloseTo(0.5233313027313302, within(1e-12));
        assertThat(leaderboard.high()).isCloseTo(0.5755337933925462, within(1e-12));
    }

    @Test
    void wilsonOfNothingIsTheWholeRangeAndRefusesImpossibleCounts() {
        assertThat(Statistics.wilson(0, 0)).isEqualTo(new Statistics.Interval(0, 1));
        assertThat(Statistics.wilson(10, 10).high()).isEqualTo(1.0);
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> Statistics.wilson(11, 10))
                .withMessageContaining("between 0 and n");
    }

    @Test
    void kappaAndItsLargeSampleErrorEqualStatsmodels() {
        Statistics.Kappa two = Statistics.kappa(new long[][] {{20, 5}, {10, 15}});
        assertThat(two.value()).isCloseTo(0.4, within(1e-12));
        assertThat(two.observed()).isCloseTo(0.7, within(1e-12));
        assertThat(two.chance()).isCloseTo(0.5, within(1e-12));
        assertThat(two.standardError()).isCloseTo(0.12699606293110033, within(1e-12));
        assertThat(two.interval().low()).isCloseTo(0.151092290476661, within(1e-12));
        assertThat(two.interval().high()).isCloseTo(0.6489077095233389, within(1e-12));

        Statistics.Kappa three = Statistics.kappa(new long[][] {{40, 10, 5}, {6, 30, 4}, {3, 2, 20}});
        assertThat(three.value()).isCloseTo(0.6129032258064516, within(1e-12));
        assertThat(three.standardError()).isCloseTo(0.061295463444388375, within(1e-12));
        assertThat(three.interval().low()).isCloseTo(0.4927663250397589, within(1e-12));
        assertThat(three.interval().high()).isCloseTo(0.7330401265731443, within(1e-12));
    }

    @Test
    void kappaIsUndefinedWhenEverythingIsInOneClass() {
        Statistics.Kappa k = Statistics.kappa(new long[][] {{9, 0}, {0, 0}});
        assertThat(k.isDefined()).isFalse();
        assertThat(k.observed()).isEqualTo(1.0);
        assertThat(Statistics.kappa(new long[][] {{0, 0}, {0, 0}}).isDefined()).isFalse();
    }

    @Test
    void correlationsEqualScipyAndRanksShareTies() {
        double[] x = {7, 6, 8, 3, 5, 5, 9, 2};
        double[] y = {8, 5, 7, 4, 5, 6, 9, 1};
        assertThat(Statistics.pearson(x, y)).isCloseTo(0.9294188775930616, within(1e-12));
        assertThat(Statistics.spearman(x, y)).isCloseTo(0.9216867469879517, within(1e-12));
        assertThat(Statistics.ranks(new double[] {5, 3, 5, 1})).containsExactly(3.5, 2, 3.5, 1);
        assertThat(Statistics.pearson(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isNaN();
        assertThat(Statistics.pearson(new double[] {1}, new double[] {1})).isNaN();
    }
}
