package dev.autoj.engine.agreement;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Verdict;

/**
 * What a judge said about one labelled pair, judged in both orders, as the Auto-J leaderboard counts
 * it: the verdict when both orders give it (the swapped order mapped back to the original positions),
 * {@link #INCONSISTENT} when the orders disagree, {@link #NO_VERDICT} when either order has none.
 * Only the first three can equal a human label.
 *
 * <pre>{@code
 * PairVerdict v = PairVerdict.of(judge.compare(q, a, b, null));
 * v.isConsistent();
 * }</pre>
 */
public enum PairVerdict {
    RESPONSE_1("Response 1"),
    RESPONSE_2("Response 2"),
    TIE("Tie"),
    INCONSISTENT("orders disagree"),
    NO_VERDICT("no verdict");

    private final String displayName;

    PairVerdict(String displayName) {
        this.displayName = displayName;
    }

    /** The row name in reports. */
    public String displayName() {
        return displayName;
    }

    /** Both orders gave the same verdict. */
    public boolean isConsistent() {
        return this == RESPONSE_1 || this == RESPONSE_2 || this == TIE;
    }

    /** True when this is the human label. */
    public boolean agreesWith(Verdict label) {
        return isConsistent() && ordinal() == label.ordinal();
    }

    /** A verdict both orders gave. */
    public static PairVerdict of(Verdict verdict) {
        return values()[verdict.ordinal()];
    }

    /** The comparison of one pair in both orders, by the rule above. */
    public static PairVerdict of(Comparison comparison) {
        Verdict original = comparison.original().verdict();
        Verdict swapped = comparison.swapped().verdict();
        if (original == null || swapped == null) {
            return NO_VERDICT;
        }
        return original == swapped.swapped() ? of(original) : INCONSISTENT;
    }
}
