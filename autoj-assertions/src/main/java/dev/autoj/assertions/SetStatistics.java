package dev.autoj.assertions;

import dev.autoj.engine.agreement.Statistics;
import java.util.List;

/**
 * The statistics behind {@link CandidatesAssert}: the exact sign test, the Student-t lower
 * bound for non-inferiority, Wald's sequential probability ratio test, Wilson intervals and
 * sample sizes. Implemented here (regularized incomplete beta by Lentz's continued fraction,
 * Lanczos log-gamma, Acklam's normal quantile) instead of pulling a statistics library into
 * every user's test class path for a handful of functions; the tests pin them to published values.
 */
final class SetStatistics {

    /** The power the "cases needed" figure aims at. */
    static final double TARGET_POWER = 0.8;

    private SetStatistics() {
    }

    /** The outcome of a decision rule, without the case details. */
    enum Outcome {
        PASS, FAIL, INCONCLUSIVE
    }

    /** Wins, ties and losses of case scores: above, at and below ½. */
    record Counts(int wins, int ties, int losses) {
        int decided() {
            return wins + ties + losses;
        }

        static Counts of(double[] scores) {
            int w = 0;
            int l = 0;
            for (double s : scores) {
                if (s > 0.5) {
                    w++;
                } else if (s < 0.5) {
                    l++;
                }
            }
            return new Counts(w, scores.length - w - l, l);
        }
    }

    // ---- decision rules -------------------------------------------------------------------

    /** Sign test: pass when p &lt; α, fail when wins ≤ losses, else inconclusive. */
    static Outcome signTest(int wins, int losses, double alpha) {
        if (binomialUpperTail(wins + losses, wins) < alpha) {
            return Outcome.PASS;
        }
        return wins <= losses ? Outcome.FAIL : Outcome.INCONCLUSIVE;
    }

    /** The one-sided sign-test p-value: P(X ≥ wins) for X ~ Binomial(wins + losses, ½). */
    static double signTestP(int wins, int losses) {
        return binomialUpperTail(wins + losses, wins);
    }

    /** Mean, sample standard deviation and the one-sided (1 − α) Student-t lower bound of the mean. */
    record MeanBound(int n, double mean, double sd, double lower) {
        static MeanBound of(double[] scores, double alpha) {
            int n = scores.length;
            if (n == 0) {
                return new MeanBound(0, Double.NaN, Double.NaN, Double.NaN);
            }
            double sum = 0;
            for (double s : scores) {
                sum += s;
            }
            double mean = sum / n;
            if (n < 2) {
                return new MeanBound(n, mean, Double.NaN, Double.NaN);
            }
            double squares = 0;
            for (double s : scores) {
                squares += (s - mean) * (s - mean);
            }
            double sd = Math.sqrt(squares / (n - 1));
            return new MeanBound(n, mean, sd, mean - studentTQuantile(1 - alpha, n - 1) * sd / Math.sqrt(n));
        }
    }

    /** Non-inferiority: pass when the lower bound ≥ ½ − margin, fail when the mean &lt; ½ − margin, else inconclusive (also n &lt; 2). */
    static Outcome nonInferiority(MeanBound bound, double margin) {
        double threshold = 0.5 - margin;
        if (bound.n() < 2) {
            return Outcome.INCONCLUSIVE;
        }
        if (bound.lower() >= threshold) {
            return Outcome.PASS;
        }
        return bound.mean() < threshold ? Outcome.FAIL : Outcome.INCONCLUSIVE;
    }

    /**
     * Where Wald's SPRT stands after some decided cases.
     *
     * @param outcome the decision, INCONCLUSIVE while neither bound is crossed
     * @param decidedAt index into the scores where the LLR first crossed a bound, or -1
     * @param wins wins up to that point (all scores when no bound was crossed)
     * @param losses losses up to that point
     * @param llr the log-likelihood ratio there
     */
    record Sprt(Outcome outcome, int decidedAt, int wins, int losses, double llr, double lower, double upper) {
    }

    /** Upper bound ln((1 − β)/α): pass at or above it. */
    static double sprtUpper(double alpha, double beta) {
        return Math.log((1 - beta) / alpha);
    }

    /** Lower bound ln(β/(1 − α)): fail at or below it. */
    static double sprtLower(double alpha, double beta) {
        return Math.log(beta / (1 - alpha));
    }

    /** Runs the SPRT over case scores in order; ties (score ½) leave the LLR unchanged. */
    static Sprt sprt(double[] scores, double p1, double alpha, double beta) {
        double up = sprtUpper(alpha, beta);
        double down = sprtLower(alpha, beta);
        double win = Math.log(2 * p1);
        double loss = Math.log(2 * (1 - p1));
        int w = 0;
        int l = 0;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > 0.5) {
                w++;
            } else if (scores[i] < 0.5) {
                l++;
            } else {
                continue;
            }
            double llr = w * win + l * loss;
            if (llr >= up) {
                return new Sprt(Outcome.PASS, i, w, l, llr, down, up);
            }
            if (llr <= down) {
                return new Sprt(Outcome.FAIL, i, w, l, llr, down, up);
            }
        }
        return new Sprt(Outcome.INCONCLUSIVE, -1, w, l, w * win + l * loss, down, up);
    }

    // ---- sample sizes ---------------------------------------------------------------------

    /**
     * Decided cases the sign test needs to pass with probability {@link #TARGET_POWER} when the
     * candidate wins {@code winShare} of the non-tied cases and {@code tieShare} of the decided
     * cases are ties; -1 when the win share is not above ½. Exact binomial up to 5000 non-tied
     * cases (the smallest n reaching the power), the normal approximation beyond.
     */
    static int signTestCasesNeeded(double winShare, double tieShare, double alpha) {
        if (!(winShare > 0.5) || !(tieShare < 1)) {
            return -1;
        }
        int nonTied = -1;
        for (int n = 1; n <= 5000; n++) {
            int k = criticalWins(n, alpha);
            if (k <= n && binomialUpperTail(n, k, winShare) >= TARGET_POWER) {
                nonTied = n;
                break;
            }
        }
        if (nonTied < 0) {
            double z = normalQuantile(1 - alpha) * 0.5 + normalQuantile(TARGET_POWER) * Math.sqrt(winShare * (1 - winShare));
            nonTied = (int) Math.ceil(Math.pow(z / (winShare - 0.5), 2));
        }
        return (int) Math.ceil(nonTied / (1 - tieShare) - 1e-9);
    }

    /** The smallest number of wins out of n with P(X ≥ k | ½) &lt; α; n + 1 when none. */
    static int criticalWins(int n, double alpha) {
        int lo = 0;
        int hi = n + 1;
        // The tail falls as k grows: binary search for the first k under α.
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (binomialUpperTail(n, mid) < alpha) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * Decided cases the non-inferiority bound needs to clear ½ − margin with probability
     * {@link #TARGET_POWER} at the observed mean and standard deviation: the smallest n with
     * (t(1−α; n−1) + t(power; n−1))·sd/√n ≤ mean − (½ − margin); -1 when the mean is not above that.
     */
    static int nonInferiorityCasesNeeded(double mean, double sd, double margin, double alpha) {
        double gap = mean - (0.5 - margin);
        if (!(gap > 0) || Double.isNaN(sd)) {
            return -1;
        }
        if (sd == 0) {
            return 2;
        }
        for (int n = 2; n <= 1_000_000; n = n < 1000 ? n + 1 : (int) (n * 1.01)) {
            double needed = (studentTQuantile(1 - alpha, n - 1) + studentTQuantile(TARGET_POWER, n - 1)) * sd / Math.sqrt(n);
            if (needed <= gap) {
                return n;
            }
        }
        return -1;
    }

    // ---- distributions --------------------------------------------------------------------

    /** P(X ≥ k) for X ~ Binomial(n, ½). */
    static double binomialUpperTail(int n, int k) {
        return binomialUpperTail(n, k, 0.5);
    }

    /** P(X ≥ k) for X ~ Binomial(n, p), as the regularized incomplete beta I_p(k, n − k + 1). */
    static double binomialUpperTail(int n, int k, double p) {
        if (k <= 0) {
            return 1;
        }
        if (k > n) {
            return 0;
        }
        return regularizedBeta(p, k, n - k + 1);
    }

    /** The Wilson score interval for {@code successes} of {@code n} at two-sided level 1 − α; [NaN, NaN] for n = 0. */
    static double[] wilson(int successes, int n, double alpha) {
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        Statistics.Interval interval = Statistics.wilson(successes, n, normalQuantile(1 - alpha / 2));
        return new double[] {interval.low(), interval.high()};
    }

    /** The quantile of Student's t with {@code df} degrees of freedom, by bisection on its CDF. */
    static double studentTQuantile(double probability, int df) {
        if (!(probability > 0 && probability < 1) || df < 1) {
            throw new IllegalArgumentException("t quantile needs 0 < probability < 1 and df ≥ 1, got " + probability + ", " + df);
        }
        if (probability == 0.5) {
            return 0;
        }
        if (probability < 0.5) {
            return -studentTQuantile(1 - probability, df);
        }
        double lo = 0;
        double hi = 1;
        while (studentTCdf(hi, df) < probability) {
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
            double mid = (lo + hi) / 2;
            if (studentTCdf(mid, df) < probability) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** P(T ≤ t) for Student's t with {@code df} degrees of freedom. */
    static double studentTCdf(double t, int df) {
        double tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2.0, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    /** The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
    static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("normal quantile needs 0 < p < 1, got " + p);
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) {
            return -normalQuantile(1 - p);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    /** The regularized incomplete beta function I_x(a, b). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        // The continued fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry otherwise.
        if (x < (a + 1) / (a + b + 2)) {
            return front * betaFraction(x, a, b) / a;
        }
        return 1 - front * betaFraction(1 - x, b, a) / b;
    }

    private static double betaFraction(double x, double a, double b) {
        double tiny = 1e-300;
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        d = Math.abs(d) < tiny ? tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    /** ln Γ(x) for x &gt; 0 (Lanczos, g = 7, nine coefficients). */
    static double logGamma(double x) {
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double sum = g[0];
        for (int i = 1; i < 9; i++) {
            sum += g[i] / (x + i);
        }
        double t = x + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    /** The scores as an array, for the rules above. */
    static double[] array(List<Double> scores) {
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
