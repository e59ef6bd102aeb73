package dev.autoj.engine.agreement;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judgment;
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
        requireSameSize(cases.size(), comparisons.size());
        List<PairVerdict> verdicts = new ArrayList<>(comparisons.size());
        List<NoVerdictCase> noVerdicts = new ArrayList<>();
        for (int i = 0; i < comparisons.size(); i++) {
            Comparison c = comparisons.get(i);
            verdicts.add(PairVerdict.of(c));
            noVerdict(cases.get(i).name(i), i, "original", c.original(), noVerdicts);
            noVerdict(cases.get(i).name(i), i, "swapped", c.swapped(), noVerdicts);
        }
        String judge = comparisons.isEmpty() ? "(no judgments)" : comparisons.get(0).original().modelId();
        return report(judge, cases, verdicts, noVerdicts);
    }

    /** Measures verdicts already combined over both orders (one per case, in case order) against the labels. */
    public static PairwiseAgreementReport ofVerdicts(String judge, List<LabelledPair> cases, List<PairVerdict> verdicts) {
        requireSameSize(cases.size(), verdicts.size());
        List<NoVerdictCase> noVerdicts = new ArrayList<>();
        for (int i = 0; i < verdicts.size(); i++) {
            if (verdicts.get(i) == PairVerdict.NO_VERDICT) {
                noVerdicts.add(new NoVerdictCase(i, cases.get(i).name(i), "both", "no verdict given"));
            }
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

    private static void noVerdict(String name, int index, String order, Judgment judgment, List<NoVerdictCase> out) {
        if (judgment.isNoVerdict()) {
            out.add(new NoVerdictCase(index, name, order, judgment.noVerdictReason()));
        }
    }

    private static void requireSameSize(int cases, int judged) {
        if (cases != judged) {
            throw new IllegalArgumentException("one judgment per labelled case is needed: " + cases + " cases, " + judged + " judged");
        }
    }
}
