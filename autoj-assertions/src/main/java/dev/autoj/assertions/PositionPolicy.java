package dev.autoj.assertions;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Verdict;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How the two orders of a pairwise comparison combine into pass or fail. Auto-J, like every
 * LLM judge, sometimes prefers whichever response it reads first; judging both orders exposes that.
 *
 * <pre>{@code
 * assertThatResponse(answer).forQuery(q).withPositionPolicy(PositionPolicy.EITHER).isPreferredOver(baseline);
 * }</pre>
 */
public enum PositionPolicy {
    /** The expectation must hold in both orders (the default). */
    BOTH,
    /** The expectation must hold in at least one order. */
    EITHER,
    /** Only the order with the tested response shown first counts. */
    FIRST_ONLY;

    /** The policy for a configuration value such as {@code "both"} or {@code "first-only"}. */
    public static Optional<PositionPolicy> find(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String normalized = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (PositionPolicy policy : values()) {
            if (policy.name().equals(normalized)) {
                return Optional.of(policy);
            }
        }
        return Optional.empty();
    }

    /** The configuration spelling: {@code both}, {@code either}, {@code first-only}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    String explanation() {
        return switch (this) {
            case BOTH -> "it must hold in both orders";
            case EITHER -> "it must hold in at least one order";
            case FIRST_ONLY -> "only the order with the response shown first counts";
        };
    }

    /**
     * Whether {@code accepted} verdicts (about the original positions, response 1 = the tested
     * response) satisfy this policy. Assumes every consulted order has a verdict.
     */
    boolean accepts(Comparison comparison, Set<Verdict> accepted) {
        boolean first = comparison.original().optionalVerdict().map(accepted::contains).orElse(false);
        boolean second = comparison.swappedVerdictInOriginalPositions().map(accepted::contains).orElse(false);
        return switch (this) {
            case BOTH -> first && second;
            case EITHER -> first || second;
            case FIRST_ONLY -> first;
        };
    }

    /** Whether an order this policy consults has no verdict. */
    boolean missesVerdict(Comparison comparison) {
        boolean firstMissing = comparison.original().isNoVerdict();
        boolean secondMissing = comparison.swapped().isNoVerdict();
        return this == FIRST_ONLY ? firstMissing : firstMissing || secondMissing;
    }
}
