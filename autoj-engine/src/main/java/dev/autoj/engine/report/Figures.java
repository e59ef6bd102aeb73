package dev.autoj.engine.report;

import dev.autoj.engine.Verdict;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * The one way autoj writes ratings, verdicts, shares, p-values and other figures: the assertion
 * messages, the Allure steps, {@code summary.md}, {@code autoj gate} and the CLI's tables all
 * format through here, so one value prints the same everywhere ({@code 7.25} is {@code 7.25} in a
 * failure message, an Allure step and the summary).
 *
 * <pre>{@code
 * Figures.rating(7.25);          // "7.25"   (7.0 → "7")
 * Figures.number(0.68441);       // "0.684"
 * Figures.share(37 / 61.0);      // "60.7%"
 * Figures.pValue(0.000468);      // "0.0005" (below 0.0001: "4.7e-05")
 * Figures.verdict(Verdict.TIE);  // "Tie"
 * }</pre>
 */
public final class Figures {

    /** What a figure that does not apply (NaN) prints as. */
    public static final String NOT_APPLICABLE = "n/a";

    private Figures() {
    }

    /** A rating as the judge wrote it: {@code 7}, {@code 6.5}, {@code 7.25}; no trailing {@code .0}. */
    public static String rating(double rating) {
        if (Double.isNaN(rating) || Double.isInfinite(rating)) {
            return NOT_APPLICABLE;
        }
        if (rating == Math.rint(rating)) {
            return Long.toString((long) rating);
        }
        return BigDecimal.valueOf(rating).stripTrailingZeros().toPlainString();
    }

    /** A statistic with three decimals ({@code 0.684}, {@code -3.219}); NaN is {@code n/a}. */
    public static String number(double value) {
        return Double.isNaN(value) ? NOT_APPLICABLE : String.format(Locale.ROOT, "%.3f", value);
    }

    /** A share as a percentage with one decimal ({@code 60.7%}); NaN is {@code n/a}. */
    public static String share(double share) {
        return percent(share, 1);
    }

    /** A share as a percentage with {@code decimals} decimals ({@code 80%} with 0); NaN is {@code n/a}. */
    public static String percent(double share, int decimals) {
        return Double.isNaN(share) ? NOT_APPLICABLE : String.format(Locale.ROOT, "%." + decimals + "f%%", share * 100);
    }

    /** A p-value with four decimals, or in scientific notation below 0.0001 ({@code 4.7e-05}); NaN is {@code n/a}. */
    public static String pValue(double p) {
        if (Double.isNaN(p)) {
            return NOT_APPLICABLE;
        }
        return p < 0.0001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
    }

    /** The confidence level of a significance α: {@code 95%} for 0.05, {@code 97.5%} for 0.025; empty for NaN. */
    public static String level(double alpha) {
        if (Double.isNaN(alpha)) {
            return "";
        }
        return String.format(Locale.ROOT, "%.2f", (1 - alpha) * 100).replaceAll("\\.?0+$", "") + "%";
    }

    /** A case score of a set-level comparison: {@code 0}, {@code ¼}, {@code ½}, {@code ¾} or {@code 1}. */
    public static String caseScore(double score) {
        return score == 0 ? "0" : score == 0.25 ? "¼" : score == 0.5 ? "½" : score == 0.75 ? "¾" : score == 1 ? "1" : number(score);
    }

    /** A verdict as positions: {@code Response 1}, {@code Response 2}, {@code Tie}; null is {@code no verdict}. */
    public static String verdict(Verdict verdict) {
        if (verdict == null) {
            return "no verdict";
        }
        return switch (verdict) {
            case RESPONSE_1 -> "Response 1";
            case RESPONSE_2 -> "Response 2";
            case TIE -> "Tie";
        };
    }

    /**
     * Both orders of a comparison in the words of the roles, the response shown first in the original
     * order: {@code response preferred in both orders}, or {@code response preferred when the response is
     * shown first, baseline preferred when it is shown second: position flip}.
     */
    public static String byRole(Verdict original, Verdict swapped) {
        String first = role(original, true);
        String second = role(swapped, false);
        if (first.equals(second)) {
            return first + " in both orders";
        }
        boolean flip = original != null && swapped != null;
        return first + " when the response is shown first, " + second + " when it is shown second" + (flip ? ": position flip" : "");
    }

    private static String role(Verdict v, boolean responseFirst) {
        if (v == null) {
            return "no verdict";
        }
        return switch (v) {
            case TIE -> "tie";
            case RESPONSE_1 -> responseFirst ? "response preferred" : "baseline preferred";
            case RESPONSE_2 -> responseFirst ? "baseline preferred" : "response preferred";
        };
    }

    /** {@code 1 test}, {@code 2 tests}, {@code 2 misses}. */
    public static String count(int n, String noun) {
        return n + " " + (n == 1 ? noun : noun.endsWith("s") ? noun + "es" : noun + "s");
    }
}
