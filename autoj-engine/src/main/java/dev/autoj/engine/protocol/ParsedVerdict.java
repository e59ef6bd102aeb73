package dev.autoj.engine.protocol;

import dev.autoj.engine.Verdict;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the verdict parser read from one judge output: a pairwise verdict, a rating, or an
 * explicit no-verdict with the reason. Exactly one of the three is present.
 */
public record ParsedVerdict(Verdict verdict, Double rating, String noVerdictReason) {

    public ParsedVerdict {
        int present = (verdict != null ? 1 : 0) + (rating != null ? 1 : 0) + (noVerdictReason != null ? 1 : 0);
        if (present != 1) {
            throw new IllegalArgumentException("exactly one of verdict, rating and noVerdictReason must be set");
        }
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
