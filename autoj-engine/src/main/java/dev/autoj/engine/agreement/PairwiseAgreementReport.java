package dev.autoj.engine.agreement;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One judge's agreement with the team's pairwise labels ({@link PairwiseAgreement}).
 *
 * <pre>{@code
 * PairwiseAgreementReport r = PairwiseAgreement.evaluate(cases.pairs(), comparisons);
 * r.overall().agreementPercent();      // 54.96
 * r.overall().agreementInterval();     // 95 % Wilson interval, shares
 * r.overall().kappa().value();
 * r.toText();                          // the table autoj eval agreement prints
 * }</pre>
 *
 * @param judge the judge model, e.g. {@code GAIR/autoj-13b}
 * @param overall all cases
 * @param byScenarioGroup one row per Auto-J scenario group that has cases, in the leaderboard's order,
 *     then "Ungrouped" and "No scenario"; empty when no case names a scenario
 * @param byTag one row per tag, in order of first use; empty when no case has tags
 * @param noVerdicts every order that gave no verdict, with the reason
 */
public record PairwiseAgreementReport(String judge, Figures overall, List<Figures> byScenarioGroup, List<Figures> byTag,
                                      List<NoVerdictCase> noVerdicts) {

    public PairwiseAgreementReport {
        byScenarioGroup = List.copyOf(byScenarioGroup);
        byTag = List.copyOf(byTag);
        noVerdicts = List.copyOf(noVerdicts);
    }

    /**
     * The figures of one row.
     *
     * @param name the row: {@code Overall}, a scenario group's display name, or a tag
     * @param cases labelled cases in the row
     * @param agreeing cases whose verdict in both orders equals the human label
     * @param consistent cases whose two orders give the same verdict
     * @param confusion the judge's verdicts against the human labels
     */
    public record Figures(String name, int cases, int agreeing, int consistent, ConfusionTable confusion) {

        /** {@code agreeing / cases}, a share. */
        public double agreement() {
            return (double) agreeing / cases;
        }

        /** The agreement in percent, rounded as the leaderboard rounds it. */
        public double agreementPercent() {
            return Percent.of(agreeing, cases);
        }

        /** The 95 % Wilson score interval of the agreement, shares. */
        public Statistics.Interval agreementInterval() {
            return Statistics.wilson(agreeing, cases);
        }

        /** Cohen's kappa of the judge's verdicts against the labels, with its standard error and interval. */
        public Statistics.Kappa kappa() {
            return Statistics.kappa(confusion.square());
        }

        /** {@code consistent / cases}, a share. */
        public double consistency() {
            return (double) consistent / cases;
        }

        /** The consistency in percent, by the leaderboard's expression {@code 100 * (1 - inconsistent / n)}. */
        public double consistencyPercent() {
            return Percent.ofComplement(cases - consistent, cases);
        }
    }

    /** The row with this name among the scenario groups and tags. */
    public Figures row(String name) {
        return java.util.stream.Stream.concat(byScenarioGroup.stream(), byTag.stream()).filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no row '" + name + "' in this report"));
    }

    /** The human-readable report: figures per row, the confusion table, kappa's terms, the no-verdicts. */
    public String toText() {
        return ReportText.pairwise(this);
    }

    /** The report as JSON ({@code autoj eval agreement --json}; docs/which-judge.md lists the fields). */
    public ObjectNode toJson() {
        return ReportJson.pairwise(this);
    }
}
