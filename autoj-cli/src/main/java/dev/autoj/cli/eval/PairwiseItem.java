package dev.autoj.cli.eval;

import dev.autoj.engine.Scenario;
import dev.autoj.engine.Verdict;
import java.util.Objects;

/**
 * One item of the pairwise testbed: its scenario and the human label about the original order.
 *
 * @param scenario the item's scenario; its group decides the leaderboard row
 * @param label the human verdict (testbed label 0, 1 or 2)
 */
public record PairwiseItem(Scenario scenario, Verdict label) {

    public PairwiseItem {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(label, "label");
    }
}
