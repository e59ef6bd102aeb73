package dev.autoj.engine.agreement;

import dev.autoj.engine.Judgment;
import dev.autoj.engine.protocol.ParsedVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How closely a judge's ratings follow the team's own scores of single responses.
 *
 * <ul>
 *   <li><b>agreement within a tolerance</b>: share of cases whose rating is within ±tolerance of the
 *       human score (a case without a rating does not agree), with its 95 % Wilson interval;</li>
 *   <li><b>Pearson</b> (linear) and <b>Spearman</b> (rank, ties at their mean rank) correlation over the
 *       rated cases, and the mean absolute difference; all NaN (reported as none) below 2 rated cases or
 *       for a constant side;</li>
 *   <li>the same per scenario group and per tag.</li>
 * </ul>
 * Scores and ratings are compared as they are: write the human scores on the judge's scale.
 *
 * <pre>{@code
 * SingleAgreementReport r = SingleAgreement.evaluate(cases.responses(), judge.gradeAll(cases.gradeRequests()), 1);
 * r.overall().agreement();   // share within ±1
 * }</pre>
 */
public final class SingleAgreement {

    private SingleAgreement() {
    }

    /** Measures judgments (one per case, in case order) against the human scores. */
    public static SingleAgreementReport evaluate(List<LabelledResponse> cases, List<Judgment> judgments, double tolerance) {
        String judge = judgments.isEmpty() ? "(no judgments)" : judgments.get(0).modelId();
        return ofReadings(judge, cases, judgments.stream().map(PairwiseAgreement::parsed).toList(), tolerance);
    }

    /**
     * Measures what was read from each case's output (a rating, or a no-verdict with its reason) against
     * the human scores, however the judge was run.
     *
     * @throws IllegalArgumentException when the lists differ in length or a reading is a pairwise verdict
     */
    public static SingleAgreementReport ofReadings(String judge, List<LabelledResponse> cases, List<ParsedVerdict> readings,
            double tolerance) {
        if (readings.size() != cases.size()) {
            throw new IllegalArgumentException("one judgment per labelled case is needed: " + cases.size() + " cases, "
                    + readings.size() + " judged");
        }
        List<Double> ratings = new ArrayList<>(readings.size());
        List<NoVerdictCase> noVerdicts = new ArrayList<>();
        for (int i = 0; i < readings.size(); i++) {
            ParsedVerdict reading = readings.get(i);
            if (reading.verdict() != null) {
                throw new IllegalArgumentException("the reading of case " + cases.get(i).name(i) + " is a pairwise verdict ("
                        + reading.verdict() + "); single-response agreement needs ratings");
            }
            ratings.add(reading.rating());
            if (reading.isNoVerdict()) {
                noVerdicts.add(new NoVerdictCase(i, cases.get(i).name(i), "single", reading.noVerdictReason()));
            }
        }
        return report(judge, cases, ratings, tolerance, noVerdicts);
    }

    private static SingleAgreementReport report(String judge, List<LabelledResponse> cases, List<Double> ratings, double tolerance,
            List<NoVerdictCase> noVerdicts) {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("the tolerance is a finite number of scale points, 0 or more, not " + tolerance);
        }
        if (cases.isEmpty() || ratings.size() != cases.size()) {
            throw new IllegalArgumentException("one rating per labelled case is needed: " + cases.size() + " cases, "
                    + ratings.size() + " ratings");
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            all.add(i);
        }
        return new SingleAgreementReport(judge, tolerance, figures(Groups.OVERALL, all, cases, ratings, tolerance),
                rows(Groups.byScenarioGroup(cases.size(), i -> cases.get(i).scenario()), cases, ratings, tolerance),
                rows(Groups.byTag(cases.size(), i -> cases.get(i).tags()), cases, ratings, tolerance), noVerdicts);
    }

    private static List<SingleAgreementReport.Figures> rows(Map<String, List<Integer>> groups, List<LabelledResponse> cases,
            List<Double> ratings, double tolerance) {
        List<SingleAgreementReport.Figures> rows = new ArrayList<>();
        groups.forEach((name, members) -> rows.add(figures(name, members, cases, ratings, tolerance)));
        return rows;
    }

    private static SingleAgreementReport.Figures figures(String name, List<Integer> members, List<LabelledResponse> cases,
            List<Double> ratings, double tolerance) {
        List<double[]> rated = new ArrayList<>();
        int within = 0;
        double absolute = 0;
        for (int i : members) {
            Double rating = ratings.get(i);
            if (rating == null) {
                continue;
            }
            double human = cases.get(i).humanScore();
            rated.add(new double[] {rating, human});
            double difference = Math.abs(rating - human);
            absolute += difference;
            // a tolerance of 1 must accept 6 against 7 exactly, whatever the doubles' last bit
            within += difference <= tolerance + 1e-9 ? 1 : 0;
        }
        double[] judge = rated.stream().mapToDouble(r -> r[0]).toArray();
        double[] human = rated.stream().mapToDouble(r -> r[1]).toArray();
        return new SingleAgreementReport.Figures(name, members.size(), rated.size(), within, Statistics.pearson(judge, human),
                Statistics.spearman(judge, human), rated.isEmpty() ? Double.NaN : absolute / rated.size());
    }
}
