package dev.autoj.cli.eval;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.agreement.Percent;
import dev.autoj.engine.protocol.ParsedVerdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Agreement with human labels and consistency under position swap, per scenario group and overall,
 * exactly as the Auto-J leaderboard computes them.
 *
 * <ul>
 *   <li><b>agreement</b>: share of items where the verdict on the original order <em>and</em> the
 *       verdict on the exchanged order, mapped back (Response 1 ↔ Response 2, Tie stays), both
 *       equal the human label;</li>
 *   <li><b>consistency</b>: share of items where the two verdicts are equal after that mapping.</li>
 * </ul>
 * A prediction without a verdict makes its item neither agreeing nor consistent.
 *
 * <pre>{@code
 * PairwiseReport r = PairwiseEvaluation.evaluate(items, originalVerdicts, exchangedVerdicts);
 * r.overall().agreement();     // 54.96 for Auto-J-13B's published outputs
 * }</pre>
 */
public final class PairwiseEvaluation {

    static final String OVERALL = "Overall";
    static final String UNGROUPED = "Ungrouped";

    private PairwiseEvaluation() {
    }

    /**
     * Evaluates the verdicts of both orders against the testbed.
     *
     * @param items the testbed items with their human labels
     * @param original the judge's verdict per item with response 1 shown first (verdict or no-verdict)
     * @param exchanged the judge's verdict per item with the responses exchanged, as the judge saw them
     *     (so {@link Verdict#RESPONSE_1} there means the original response 2)
     * @throws IllegalArgumentException when the lists differ in length or a prediction is a rating
     */
    public static PairwiseReport evaluate(List<PairwiseItem> items, List<ParsedVerdict> original, List<ParsedVerdict> exchanged) {
        if (original.size() != items.size() || exchanged.size() != items.size()) {
            throw new IllegalArgumentException("one prediction per item and order is needed: " + items.size()
                    + " items, " + original.size() + " original-order and " + exchanged.size() + " exchanged-order predictions");
        }
        Map<String, Tally> byGroup = new LinkedHashMap<>();
        for (Scenario.Group g : Scenario.Group.values()) {
            byGroup.put(g.displayName(), new Tally());
        }
        byGroup.put(UNGROUPED, new Tally());
        Tally overall = new Tally();
        List<NoVerdictItem> noVerdicts = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            PairwiseItem item = items.get(i);
            Verdict first = verdictOf(original.get(i), i, "original", noVerdicts);
            Verdict second = verdictOf(exchanged.get(i), i, "exchanged", noVerdicts);
            Verdict secondMappedBack = second == null ? null : second.swapped();
            boolean consistent = first != null && first == secondMappedBack;
            boolean agreeing = consistent && first == item.label();
            String group = item.scenario().group().map(Scenario.Group::displayName).orElse(UNGROUPED);
            byGroup.get(group).add(agreeing, consistent);
            overall.add(agreeing, consistent);
        }
        List<GroupFigures> groups = new ArrayList<>();
        byGroup.forEach((name, tally) -> {
            if (tally.items > 0) {
                groups.add(tally.figures(name));
            }
        });
        return new PairwiseReport(groups, overall.figures(OVERALL), noVerdicts);
    }

    /**
     * Evaluates comparisons made by a {@link dev.autoj.engine.Judge} (live or replayed), one per item
     * in testbed order; each comparison's original and swapped judgments are the two orders.
     */
    public static PairwiseReport evaluateComparisons(List<PairwiseItem> items, List<Comparison> comparisons) {
        List<ParsedVerdict> original = new ArrayList<>(comparisons.size());
        List<ParsedVerdict> exchanged = new ArrayList<>(comparisons.size());
        for (Comparison c : comparisons) {
            original.add(parsed(c.original()));
            exchanged.add(parsed(c.swapped()));
        }
        return evaluate(items, original, exchanged);
    }

    static ParsedVerdict parsed(Judgment judgment) {
        if (judgment.verdict() != null) {
            return ParsedVerdict.of(judgment.verdict());
        }
        if (judgment.rating() != null) {
            return ParsedVerdict.ofRating(judgment.rating());
        }
        return ParsedVerdict.noVerdict(judgment.noVerdictReason());
    }

    private static Verdict verdictOf(ParsedVerdict p, int index, String order, List<NoVerdictItem> noVerdicts) {
        if (p.rating() != null) {
            throw new IllegalArgumentException("the " + order + "-order prediction of item " + index
                    + " is a rating (" + p.rating() + "); pairwise evaluation needs Response 1 / Response 2 / Tie verdicts");
        }
        if (p.isNoVerdict()) {
            noVerdicts.add(new NoVerdictItem(index, order, p.noVerdictReason()));
        }
        return p.verdict();
    }

    private static final class Tally {
        int items;
        int agreeing;
        int consistent;

        void add(boolean agree, boolean consistentPair) {
            items++;
            agreeing += agree ? 1 : 0;
            consistent += consistentPair ? 1 : 0;
        }

        GroupFigures figures(String name) {
            return new GroupFigures(name, items, agreeing, consistent,
                    Percent.of(agreeing, items), Percent.ofComplement(items - consistent, items));
        }
    }
}
