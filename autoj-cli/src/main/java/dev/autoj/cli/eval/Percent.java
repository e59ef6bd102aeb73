package dev.autoj.cli.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Percentages exactly as the Auto-J leaderboard script computes and rounds them. */
final class Percent {

    private Percent() {
    }

    /** {@code round(100 * hits / float(total), 2)} in Python. */
    static double of(int hits, int total) {
        return round2(100 * (double) hits / total);
    }

    /**
     * {@code round(100 * (1 - misses / float(total)), 2)}: the leaderboard computes consistency from
     * the disagreements, and the last bit of the double can differ from {@link #of}, so the same
     * expression is kept.
     */
    static double ofComplement(int misses, int total) {
        return round2(100 * (1 - misses / (double) total));
    }

    /**
     * Python's {@code round(v, 2)}: the exact binary value of {@code v} rounded half-to-even to two
     * decimals. {@code new BigDecimal(double)} is exact, so ties are only real ties, as in CPython.
     */
    static double round2(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).doubleValue();
    }
}
