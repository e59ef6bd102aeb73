package dev.autoj.engine.conformance;

/**
 * How far a judge may stray from Auto-J's published answers on the golden set and still count as
 * reproducing it. Pairwise verdicts always have to match in each order; ratings may differ by
 * {@code ratingDistance}, as long as at least {@code minExactRatingShare} of them are exact.
 *
 * <pre>{@code
 * ConformanceReport report = Conformance.check(judge, new Tolerance(0, 1.0)); // bit-exact reproduction
 * }</pre>
 *
 * @param ratingDistance how far (in rating points) each rating may be from the published one, 0–9
 * @param minExactRatingShare the share of ratings that must equal the published one, 0–1
 */
public record Tolerance(int ratingDistance, double minExactRatingShare) {

    /**
     * ±1 rating point, at least 75% of ratings exact (6 of the 8 golden ratings). Greedy decoding of
     * the same weights reproduces the published answers; this leaves room for the small numeric
     * drift of other GPU kernels or fp16/bf16 arithmetic, not for another model or template.
     */
    public static final Tolerance DEFAULT = new Tolerance(1, 0.75);

    public Tolerance {
        if (ratingDistance < 0 || ratingDistance > 9) {
            throw new IllegalArgumentException("ratingDistance must be 0–9 (ratings run from 1 to 10), got " + ratingDistance);
        }
        if (!(minExactRatingShare >= 0 && minExactRatingShare <= 1)) {
            throw new IllegalArgumentException("minExactRatingShare must be between 0 and 1, got " + minExactRatingShare);
        }
    }
}
