package dev.autoj.cli.eval;

import java.util.List;

/**
 * The pairwise leaderboard of one judge.
 *
 * @param groups one row per scenario group with items, in the leaderboard's order (Summarization,
 *     Exam Questions, Code, Rewriting, Creative Writing, Functional Writing, General Communication,
 *     NLP Tasks), then {@code "Ungrouped"} if any item's scenario has no group
 * @param overall all items
 * @param noVerdicts predictions without a readable verdict, in either order (they count as neither
 *     agreeing nor consistent)
 */
public record PairwiseReport(List<GroupFigures> groups, GroupFigures overall, List<NoVerdictItem> noVerdicts) {

    public PairwiseReport {
        groups = List.copyOf(groups);
        noVerdicts = List.copyOf(noVerdicts);
    }

    /** The row of the group with this display name. */
    public GroupFigures group(String displayName) {
        return groups.stream().filter(g -> g.group().equals(displayName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no items in group '" + displayName + "'"));
    }
}
