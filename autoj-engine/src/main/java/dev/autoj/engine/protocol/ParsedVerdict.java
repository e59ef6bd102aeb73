package dev.autoj.engine.protocol;

import dev.autoj.engine.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the verdict parser read from one judge output: a pairwise verdict, a rating, or an
 * explicit no-verdict with the reason. Exactly one of the three is present.
 *
 * @param verdict the pairwise verdict, or null
 * @param rating the rating 1–10, or null
 * @param noVerdictReason why no verdict could be read, or null
 * @param warnings notes for reports about how the verdict was read, e.g. a marker the judge quoted
 *     from a judged text that was skipped; empty when there is nothing to say
 */
public record ParsedVerdict(Verdict verdict, Double rating, String noVerdictReason, List<String> warnings) {

    public ParsedVerdict {
        int present = (verdict != null ? 1 : 0) + (rating != null ? 1 : 0) + (noVerdictReason != null ? 1 : 0);
        if (present != 1) {
            throw new IllegalArgumentException("exactly one of verdict, rating and noVerdictReason must be set");
        }
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A result without warnings. */
    public ParsedVerdict(Verdict verdict, Double rating, String noVerdictReason) {
        this(verdict, rating, noVerdictReason, List.of());
    }

    public static ParsedVerdict of(Verdict verdict) {
        return new ParsedVerdict(Objects.requireNonNull(verdict), null, null);
    }

    public static ParsedVerdict ofRating(double rating) {
        return new ParsedVerdict(null, rating, null);
    }

    public static ParsedVerdict noVerdict(String reason) {
        return new ParsedVerdict(null, null, Objects.requireNonNull(reason));
    }

    /** The same result with {@code more} warnings after its own. */
    public ParsedVerdict withWarnings(List<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<String> all = new ArrayList<>(warnings);
        all.addAll(more);
        return new ParsedVerdict(verdict, rating, noVerdictReason, all);
    }

    public Optional<Verdict> optionalVerdict() {
        return Optional.ofNullable(verdict);
    }

    public OptionalDouble optionalRating() {
        return rating == null ? OptionalDouble.empty() : OptionalDouble.of(rating);
    }

    public boolean isNoVerdict() {
        return noVerdictReason != null;
    }
}
