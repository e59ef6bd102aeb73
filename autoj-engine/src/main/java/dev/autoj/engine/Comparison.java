package dev.autoj.engine;

import java.util.Objects;
import java.util.Optional;

/**
 * A pairwise comparison judged in both orders, to expose Auto-J's position bias.
 *
 * <p>{@code original} shows response 1 first; {@code swapped} shows response 2 first and its
 * verdict is as the judge saw it (so {@code swapped.verdict().swapped()} speaks about the
 * original positions). {@code combined} is the verdict about the original positions when both
 * orders agree, {@link Verdict#TIE} when they disagree, and empty when either order has no verdict.
 */
public record Comparison(Judgment original, Judgment swapped, Verdict combined, boolean consistent) {

    public Comparison {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(swapped, "swapped");
    }

    /** Combines the two orders by the rule above. */
    public static Comparison of(Judgment original, Judgment swapped) {
        if (original.verdict() == null || swapped.verdict() == null) {
            return new Comparison(original, swapped, null, false);
        }
        Verdict back = swapped.verdict().swapped();
        boolean consistent = back == original.verdict();
        return new Comparison(original, swapped, consistent ? back : Verdict.TIE, consistent);
    }

    public Optional<Verdict> optionalCombined() {
        return Optional.ofNullable(combined);
    }

    /** The swapped order's verdict mapped back to the original positions, if any. */
    public Optional<Verdict> swappedVerdictInOriginalPositions() {
        return swapped.optionalVerdict().map(Verdict::swapped);
    }
}
