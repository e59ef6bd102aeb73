package dev.autoj.engine.agreement;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.protocol.ParsedVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How often a judge agrees with the team's own pairwise labels, counted as the Auto-J leaderboard
 * counts agreement and consistency, with the confidence figures the leaderboard leaves out.
 *
 * <ul>
 *   <li><b>agreement</b>: share of cases whose verdict in both orders (the swapped one mapped back)
 *       equals the human label; with its 95 % Wilson score interval;</li>
 *   <li><b>Cohen's kappa</b> of the judge's {@link PairVerdict} against the label: agreement beyond
 *       what the two marginals give by chance, with its large-sample standard error and 95 % interval;
 *       "orders disagree" and "no verdict" are judge categories that never agree;</li>
 *   <li><b>consistency</b>: share of cases whose two orders give the same verdict (a no-verdict in
 *       either order is not consistent), the leaderboard's expression;</li>
 *   <li>the same per scenario group (the leaderboard's rows) and per tag, and the confusion table.</li>
 * </ul>
 *
 * <pre>{@code
 * LabelledCases cases = LabelledCases.read(Path.of("labelled.jsonl"));
 * PairwiseAgreementReport r = PairwiseAgreement.evaluate(cases.pairs(), judge.compareAll(cases.compareRequests()));
 * r.overall().agreementPercent();   // 54.96 for Auto-J-13B on its own testbed
 * System.out.println(r.toText());
 * }</pre>
 */
public final class PairwiseAgreement {

    private PairwiseAgreement() {
    }

    /**
     * Measures comparisons (both orders of each case, as {@code Judge.compareAll} returns them, in
     * case order) against the labels; the judge is named by the first comparison's model id.
     */
    public static PairwiseAgreementReport evaluate(List<LabelledPair> cases, List<Comparison> comparisons) {
        List<ParsedVerdict> original = comparisons.stream().map(c -> parsed(c.original())).toList();
        List<ParsedVerdict> swapped = comparisons.stream().map(c -> parsed(c.swapped())).toList();
        String judge = comparisons.isEmpty() ? "(no judgments)" : comparisons.get(0).original().modelId();
        return ofOrders(judge, cases, original, swapped);
    }

    /**
     * Measures what was read from each order of each case (a verdict, or a no-verdict with its reason),
     * however the judge was run: e.g. another family's outputs read by its own reader.
     *
     * @param judge the judge's name for the report
     * @param original per case, the verdict with response 1 shown first
     * @param swapped per case, the verdict with response 2 shown first, as positions in that prompt
     *     ({@code RESPONSE_1} there is the original response 2)
     * @throws IllegalArgumentException when the lists differ in length or a reading is a rating
     */
    public static PairwiseAgreementReport ofOrders(String judge, List<LabelledPair> cases, List<ParsedVerdict> original,
            List<ParsedVerdict> swapped) {
        requireSameSize(cases.size(), original.size());
        requireSameSize(cases.size(), swapped.size());
        List<PairVerdict> verdicts = new ArrayList<>(cases.size());
        List<NoVerdictCase> noVerdicts = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Verdict first = verdict(cases.get(i).name(i), i, "original", original.get(i), noVerdicts);
            Verdict second = verdict(cases.get(i).name(i), i, "swapped", swapped.get(i), noVerdicts);
            verdicts.add(first == null || second == null ? PairVerdict.NO_VERDICT
                    : first == second.swapped() ? PairVerdict.of(first) : PairVerdict.INCONSISTENT);
        }
        return report(judge, cases, verdicts, noVerdicts);
    }

    private static PairwiseAgreementReport report(String judge, List<LabelledPair> cases, List<PairVerdict> verdicts,
            List<NoVerdictCase> noVerdicts) {
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("agreement needs at least one labelled case, got none");
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            all.add(i);
        }
        return new PairwiseAgreementReport(judge, figures(Groups.OVERALL, all, cases, verdicts),
                rows(Groups.byScenarioGroup(cases.size(), i -> cases.get(i).scenario()), cases, verdicts),
                rows(Groups.byTag(cases.size(), i -> cases.get(i).tags()), cases, verdicts), noVerdicts);
    }

    private static List<PairwiseAgreementReport.Figures> rows(Map<String, List<Integer>> groups, List<LabelledPair> cases,
            List<PairVerdict> verdicts) {
        List<PairwiseAgreementReport.Figures> rows = new ArrayList<>();
        groups.forEach((name, members) -> rows.add(figures(name, members, cases, verdicts)));
        return rows;
    }

    private static PairwiseAgreementReport.Figures figures(String name, List<Integer> members, List<LabelledPair> cases,
            List<PairVerdict> verdicts) {
        ConfusionTable table = new ConfusionTable();
        int agreeing = 0;
        int consistent = 0;
        for (int i : members) {
            PairVerdict verdict = verdicts.get(i);
            table.add(verdict, cases.get(i).label());
            agreeing += verdict.agreesWith(cases.get(i).label()) ? 1 : 0;
            consistent += verdict.isConsistent() ? 1 : 0;
        }
        return new PairwiseAgreementReport.Figures(name, members.size(), agreeing, consistent, table);
    }

    private static Verdict verdict(String name, int index, String order, ParsedVerdict reading, List<NoVerdictCase> out) {
        if (reading.rating() != null) {
            throw new IllegalArgumentException("the " + order + "-order reading of case " + name + " is a rating (" + reading.rating()
                    + "); pairwise agreement needs Response 1 / Response 2 / Tie verdicts");
        }
        if (reading.isNoVerdict()) {
            out.add(new NoVerdictCase(index, name, order, reading.noVerdictReason()));
        }
        return reading.verdict();
    }

    /** A judgment as what was read from it. */
    static ParsedVerdict parsed(Judgment judgment) {
        if (judgment.verdict() != null) {
            return ParsedVerdict.of(judgment.verdict());
        }
        return judgment.rating() != null ? ParsedVerdict.ofRating(judgment.rating()) : ParsedVerdict.noVerdict(judgment.noVerdictReason());
    }

    private static void requireSameSize(int cases, int judged) {
        if (cases != judged) {
            throw new IllegalArgumentException("one judgment per labelled case is needed: " + cases + " cases, " + judged + " judged");
        }
    }
}
