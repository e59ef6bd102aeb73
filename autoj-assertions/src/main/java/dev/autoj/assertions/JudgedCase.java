package dev.autoj.assertions;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.report.SetDecision;
import java.util.Arrays;
import java.util.List;

/**
 * One case of a set-level assertion as the assertion holds it: the {@link SetDecision.Case} it
 * reports, plus the comparison (both judgments) the reports show critiques from.
 *
 * @param index 0-based position in the given list
 * @param name the case's id, else {@code #n} (1-based)
 * @param judged false when a sequential test stopped before this case's chunk
 * @param score 0, ¼, ½, ¾ or 1 for the candidate; null when not judged or undecided
 * @param positionFlip the candidate won one order and lost the other
 * @param undecidedReason the parser's reason when an order had no verdict, else null
 * @param comparison both orders as judged (candidate = response 1), null when not judged
 */
record JudgedCase(int index, String name, boolean judged, Double score, boolean positionFlip, String undecidedReason,
        Comparison comparison) {

    /** A case a sequential test did not need. */
    static JudgedCase notJudged(int index, String name) {
        return new JudgedCase(index, name, false, null, false, null, null);
    }

    /** Scores one comparison; the candidate is response 1 of the original order. */
    static JudgedCase of(int index, String name, Comparison comparison) {
        Judgment original = comparison.original();
        Judgment swapped = comparison.swapped();
        if (original.verdict() == null || swapped.verdict() == null) {
            String reason = original.verdict() == null
                    ? "original order (candidate first): " + original.noVerdictReason()
                    : "swapped order (baseline first): " + swapped.noVerdictReason();
            return new JudgedCase(index, name, true, null, false, reason, comparison);
        }
        double first = points(original.verdict());
        double second = points(swapped.verdict().swapped());
        boolean flip = Math.abs(first - second) == 1;
        return new JudgedCase(index, name, true, (first + second) / 2, flip, null, comparison);
    }

    private static double points(Verdict inOriginalPositions) {
        return switch (inOriginalPositions) {
            case RESPONSE_1 -> 1;
            case TIE -> 0.5;
            case RESPONSE_2 -> 0;
        };
    }

    /** True when judged and both orders have a verdict. */
    boolean decided() {
        return score != null;
    }

    /** The case as the decision reports it. */
    SetDecision.Case reported() {
        List<Verdict> verdicts = comparison == null ? List.of()
                : Arrays.asList(comparison.original().verdict(), comparison.swapped().verdict());
        return new SetDecision.Case(name, judged, score, verdicts, positionFlip, undecidedReason);
    }
}
