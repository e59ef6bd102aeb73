package dev.autoj.assertions;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.report.Figures;
import java.util.List;

/** Text pieces shared by the failure-message factories. */
final class Messages {

    static final int TEXT_LIMIT = 200;
    static final int CRITIQUE_LIMIT = 600;

    private Messages() {
    }

    /**
     * {@code value} when {@code valid}, else the argument error that says what the method takes and what it got, e.g.
     * {@code checked(alpha > 0 && alpha < 0.5, alpha, "atSignificance(alpha) takes 0 < alpha < 0.5, e.g. 0.05")}.
     *
     * @throws IllegalArgumentException {@code takes + ", not " + value} when not {@code valid}
     */
    static <T> T checked(boolean valid, T value, String takes) {
        if (!valid) {
            throw new IllegalArgumentException(takes + ", not " + value);
        }
        return value;
    }

    /** {@code text} cut to {@code limit} characters, saying how much was left out and where it is. */
    static String shorten(String text, int limit, String whereTheRestIs) {
        if (text == null) {
            return "(none)";
        }
        String stripped = text.strip();
        if (stripped.length() <= limit) {
            return stripped;
        }
        return stripped.substring(0, limit) + "… [" + (stripped.length() - limit) + " more characters; " + whereTheRestIs + "]";
    }

    static String quoted(String text) {
        return "\"" + shorten(text, TEXT_LIMIT, "full text in the report") + "\"";
    }

    static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }

    static String scenario(Scenario scenario) {
        return scenario.id() + scenario.group().map(g -> " (group " + g.displayName() + ")").orElse("");
    }

    /** One order's verdict in terms of the tested response. */
    static String order(Judgment judgment, boolean swapped) {
        if (judgment.isNoVerdict()) {
            return "no verdict: " + judgment.noVerdictReason();
        }
        String words = Figures.verdict(judgment.verdict());
        return switch (judgment.verdict()) {
            case TIE -> words;
            case RESPONSE_1 -> words + (swapped ? " (the baseline)" : " (the tested response)");
            case RESPONSE_2 -> words + (swapped ? " (the tested response)" : " (the baseline)");
        };
    }

    static String verdicts(Comparison comparison) {
        return "  original order (tested response first): " + order(comparison.original(), false) + "\n"
                + "  swapped order (baseline first):          " + order(comparison.swapped(), true) + "\n"
                + "  orders consistent: " + (comparison.consistent() ? "yes" : "no");
    }

    static String rating(Judgment judgment) {
        return judgment.isNoVerdict() ? "no rating: " + judgment.noVerdictReason()
                : Figures.rating(judgment.rating());
    }

    /** A rating as every report writes it ({@link Figures#rating}): 7, 6.5, 7.25. */
    static String formatRating(double rating) {
        return Figures.rating(rating);
    }

    static String critique(Judgment judgment, String label) {
        String critique = judgment.critique();
        if (critique == null || critique.isBlank()) {
            return label + ": (none; " + judgment.source() + " holds no critique text)";
        }
        return label + ":\n" + indent(shorten(critique, CRITIQUE_LIMIT, "full critique in the report"));
    }

    static String warnings(List<String> warnings) {
        if (warnings.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("\nwarnings:");
        warnings.forEach(w -> out.append("\n  - ").append(w));
        return out.toString();
    }
}
