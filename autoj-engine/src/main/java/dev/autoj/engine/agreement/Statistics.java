package dev.autoj.engine.agreement;

import java.util.Arrays;

/**
 * The closed formulas of the agreement reports, in plain Java.
 *
 * <pre>{@code
 * Statistics.Interval ci = Statistics.wilson(765, 1392);             // 95 % Wilson score interval of 765/1392
 * Statistics.Kappa k = Statistics.kappa(new long[][] {{40, 10}, {5, 45}});
 * k.value(); k.standardError(); k.interval();
 * }</pre>
 */
public final class Statistics {

    /** The two-sided 95 % normal quantile, Φ⁻¹(0.975). */
    public static final double Z95 = 1.959963984540054;

    private Statistics() {
    }

    /**
     * A closed interval of a share (0..1).
     *
     * @param low the lower end
     * @param high the upper end
     */
    public record Interval(double low, double high) {
    }

    /**
     * Cohen's kappa with its large-sample standard error and the 95 % interval {@code value ± 1.96·se}.
     * All three are NaN when kappa is undefined (the chance agreement is 1: every case in one class).
     *
     * @param value κ = (p_o − p_e) / (1 − p_e)
     * @param observed p_o, the share of cases on the diagonal
     * @param chance p_e, the agreement expected from the two marginals alone
     * @param standardError the Fleiss–Cohen–Everitt (1969) large-sample standard error of κ
     * @param interval κ ± 1.96·se
     */
    public record Kappa(double value, double observed, double chance, double standardError, Interval interval) {

        /** True when kappa is defined. */
        public boolean isDefined() {
            return !Double.isNaN(value);
        }
    }

    /**
     * The 95 % Wilson score interval of {@code hits} out of {@code n} (Wilson 1927): exact in closed
     * form, never outside 0..1, sensible at 0 and n. {@code [0, 1]} when n is 0.
     */
    public static Interval wilson(long hits, long n) {
        return wilson(hits, n, Z95);
    }

    /** The Wilson score interval for the normal quantile {@code z} (1.96 for 95 %, two-sided). */
    public static Interval wilson(long hits, long n, double z) {
        if (hits < 0 || hits > n) {
            throw new IllegalArgumentException("hits must be between 0 and n, got " + hits + " of " + n);
        }
        if (n == 0) {
            return new Interval(0, 1);
        }
        double z2 = z * z;
        double p = (double) hits / n;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        // At 0 and n the ends are exactly 0 and 1; the doubles would miss them by a bit.
        return new Interval(hits == 0 ? 0 : Math.max(0, centre - half), hits == n ? 1 : Math.min(1, centre + half));
    }

    /**
     * Cohen's kappa of a square table of counts, rows one rater (the judge), columns the other (the
     * humans), the same categories in the same order on both sides. A category only one side uses
     * (the judge's "inconsistent", "no verdict") has zeros in the other side's row or column: it never
     * agrees, and adds nothing to the chance agreement.
     *
     * <p>Standard error (Fleiss, Cohen and Everitt 1969, the large-sample variance of κ):
     * var = [Σᵢ pᵢᵢ((1 − p_e) − (p₊ᵢ + pᵢ₊)(1 − p_o))² + (1 − p_o)² Σ_{i≠j} pᵢⱼ(p₊ᵢ + pⱼ₊)²
     * − (p_o·p_e − 2p_e + p_o)²] / (n(1 − p_e)⁴).
     */
    public static Kappa kappa(long[][] table) {
        int k = table.length;
        long n = 0;
        for (long[] row : table) {
            if (row.length != k) {
                throw new IllegalArgumentException("kappa needs a square table, got " + k + " rows and a row of " + row.length);
            }
            n += Arrays.stream(row).sum();
        }
        if (n == 0) {
            return new Kappa(Double.NaN, Double.NaN, Double.NaN, Double.NaN, new Interval(Double.NaN, Double.NaN));
        }
        double[] rows = new double[k];
        double[] columns = new double[k];
        double observed = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double p = (double) table[i][j] / n;
                rows[i] += p;
                columns[j] += p;
                if (i == j) {
                    observed += p;
                }
            }
        }
        double chance = 0;
        for (int i = 0; i < k; i++) {
            chance += rows[i] * columns[i];
        }
        if (1 - chance < 1e-12) {
            return new Kappa(Double.NaN, observed, chance, Double.NaN, new Interval(Double.NaN, Double.NaN));
        }
        double kappa = (observed - chance) / (1 - chance);
        double sum = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double p = (double) table[i][j] / n;
                if (i == j) {
                    double t = (1 - chance) - (columns[i] + rows[i]) * (1 - observed);
                    sum += p * t * t;
                } else {
                    double t = columns[i] + rows[j];
                    sum += (1 - observed) * (1 - observed) * p * t * t;
                }
            }
        }
        double last = observed * chance - 2 * chance + observed;
        double variance = (sum - last * last) / (n * Math.pow(1 - chance, 4));
        double se = Math.sqrt(Math.max(0, variance));
        return new Kappa(kappa, observed, chance, se, new Interval(kappa - Z95 * se, kappa + Z95 * se));
    }

    /** Pearson's correlation of two equally long samples; NaN for fewer than 2 pairs or a constant sample. */
    public static double pearson(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("pearson needs samples of equal length, got " + x.length + " and " + y.length);
        }
        int n = x.length;
        if (n < 2) {
            return Double.NaN;
        }
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /** Spearman's rank correlation: Pearson's of the ranks, ties given their mean rank. */
    public static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    /** 1-based ranks, tied values sharing the mean of their ranks. */
    static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double[] ranks = new double[values.length];
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            double mean = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++) {
                ranks[order[i]] = mean;
            }
            start = end + 1;
        }
        return ranks;
    }
}
