package dev.autoj.engine.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expected values are what CPython 3 prints for {@code round(v, 2)}. */
class PercentTest {

    @Test
    void roundsTheExactBinaryValueLikePython() {
        // 2.675 is stored as 2.67499999…, so Python gives 2.67, not 2.68
        assertThat(Percent.round2(2.675)).isEqualTo(2.67);
        // 0.125 is exact: a real tie, rounded to even
        assertThat(Percent.round2(0.125)).isEqualTo(0.12);
        assertThat(Percent.round2(0.375)).isEqualTo(0.38);
        // 1.005 is stored as 1.00499999…
        assertThat(Percent.round2(1.005)).isEqualTo(1.0);
    }

    @Test
    void percentagesFollowTheLeaderboardExpressions() {
        // round(100 * 55 / float(120), 2) == 45.83; round(100 * (1 - 32 / float(120)), 2) == 73.33
        assertThat(Percent.of(55, 120)).isEqualTo(45.83);
        assertThat(Percent.ofComplement(32, 120)).isEqualTo(73.33);
        // 100 * 1/8 = 12.5 exactly
        assertThat(Percent.of(1, 8)).isEqualTo(12.5);
    }
}
