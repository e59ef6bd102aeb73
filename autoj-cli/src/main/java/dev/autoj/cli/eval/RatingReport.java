package dev.autoj.cli.eval;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The ratings a judge gave in single-response mode.
 *
 * @param judgments number of judge outputs
 * @param rated outputs with a readable rating
 * @param histogram count per rating, always holding 1 to 10 (a non-integer rating such as 6.5 gets its own key)
 * @param mean mean rating over the rated outputs, NaN when none is rated
 * @param noVerdicts outputs without a readable rating, with the reason
 */
public record RatingReport(int judgments, int rated, SortedMap<Double, Integer> histogram, double mean, List<NoVerdictItem> noVerdicts) {

    public RatingReport {
        histogram = Collections.unmodifiableSortedMap(new TreeMap<>(histogram));
        noVerdicts = List.copyOf(noVerdicts);
    }
}
