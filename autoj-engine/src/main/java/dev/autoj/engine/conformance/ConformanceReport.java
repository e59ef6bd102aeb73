package dev.autoj.engine.conformance;

import dev.autoj.engine.Protocol;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of a conformance check: every golden case with the judge's answer, and whether the
 * answers stay within the {@link Tolerance}.
 *
 * <pre>{@code
 * ConformanceReport report = Conformance.check(judge);
 * if (!report.conforms()) {
 *     System.err.println(report.describe());   // lists each differing case: query, expected, got
 * }
 * }</pre>
 *
 * @param cases every golden case in the order checked: pairwise (each order) then single
 * @param tolerance the tolerance the answers were held to
 * @param answeredFromStore how many answers came from a judgment store rather than the model;
 *     those say nothing about the model, so a check that counts them is not a check of the model
 */
public record ConformanceReport(List<CaseResult> cases, Tolerance tolerance, int answeredFromStore) {

    public ConformanceReport {
        cases = List.copyOf(cases);
        Objects.requireNonNull(tolerance, "tolerance");
    }

    /** True when every verdict matches, every rating is within the distance, and enough ratings are exact. */
    public boolean conforms() {
        return cases.stream().allMatch(CaseResult::withinTolerance) && enoughExactRatings();
    }

    /**
     * The cases that make the judge fail: those outside the tolerance, and, when too few ratings are
     * exact, the inexact ratings too. Empty when the judge conforms.
     */
    public List<CaseResult> differences() {
        boolean listInexact = !enoughExactRatings();
        return cases.stream()
                .filter(c -> !c.withinTolerance() || (listInexact && c.protocol() == Protocol.SINGLE && !c.exact()))
                .toList();
    }

    /** The share of single cases whose rating equals the published one, 0–1 (1 without single cases). */
    public double exactRatingShare() {
        long ratings = cases.stream().filter(c -> c.protocol() == Protocol.SINGLE).count();
        long exact = cases.stream().filter(c -> c.protocol() == Protocol.SINGLE && c.exact()).count();
        return ratings == 0 ? 1.0 : (double) exact / ratings;
    }

    /**
     * A summary in a few lines: the outcome, the tolerance, and one line per differing case with its
     * query preview, the published answer and the judge's.
     */
    public String describe() {
        long pairwise = cases.stream().filter(c -> c.protocol() == Protocol.PAIRWISE).count();
        long singles = cases.size() - pairwise;
        long verdictsMatching = cases.stream().filter(c -> c.protocol() == Protocol.PAIRWISE && c.exact()).count();
        long ratingsWithin = cases.stream().filter(c -> c.protocol() == Protocol.SINGLE && c.withinTolerance()).count();
        long ratingsExact = cases.stream().filter(c -> c.protocol() == Protocol.SINGLE && c.exact()).count();
        StringBuilder text = new StringBuilder();
        text.append(conforms() ? "The judge reproduces Auto-J on the golden set: " : "The judge does not reproduce Auto-J on the golden set: ")
                .append(verdictsMatching).append(" of ").append(pairwise).append(" pairwise verdicts match, ")
                .append(ratingsWithin).append(" of ").append(singles).append(" ratings within ±").append(tolerance.ratingDistance())
                .append(", ").append(ratingsExact).append(" exact (at least ")
                .append(String.format(Locale.ROOT, "%.0f%%", tolerance.minExactRatingShare() * 100)).append(" must be).");
        if (answeredFromStore > 0) {
            text.append("\nNote: ").append(answeredFromStore).append(" of ").append(cases.size())
                    .append(" answers came from the judgment store, not from the model; check a live judge to test the model.");
        }
        for (CaseResult c : differences()) {
            text.append("\n  ").append(c.id()).append(" [").append(c.scenario().id()).append("] \"").append(c.queryPreview())
                    .append("\": expected ").append(c.expected()).append(", got ").append(c.got());
        }
        return text.toString();
    }

    private boolean enoughExactRatings() {
        // A small epsilon keeps 6 of 8 = 0.75 equal to a 0.75 threshold despite binary fractions.
        return exactRatingShare() + 1e-9 >= tolerance.minExactRatingShare();
    }
}
