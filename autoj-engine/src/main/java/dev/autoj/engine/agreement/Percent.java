package dev.autoj.engine.agreement;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Percentages exactly as the Auto-J leaderboard script computes and rounds them, so that a figure
 * computed here matches the published one to the last digit.
 *
 * <pre>{@code
 * Percent.of(765, 1392);              // 54.96: round(100 * 765 / float(1392), 2)
 * Percent.ofComplement(231, 1392);    // 83.41: round(100 * (1 - 231 / float(1392)), 2)
 * }</pre>
 */
public final class Percent {

    private Percent() {
    }

    /** {@code round(100 * hits / float(total), 2)} in Python. */
    public static double of(long hits, long total) {
        return round2(100 * (double) hits / total);
    }

    /**
     * {@code round(100 * (1 - misses / float(total)), 2)}: the leaderboard computes consistency from
     * the disagreements, and the last bit of the double can differ from {@link #of}, so the same
     * expression is kept.
     */
    public static double ofComplement(long misses, long total) {
        return round2(100 * (1 - misses / (double) total));
    }

    /**
     * Python's {@code round(v, 2)}: the exact binary value of {@code v} rounded half-to-even to two
     * decimals. {@code new BigDecimal(double)} is exact, so ties are only real ties, as in CPython.
     */
    public static double round2(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).doubleValue();
    }
}
