package dev.autoj.engine.agreement;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One judge's agreement with the team's scores of single responses ({@link SingleAgreement}).
 *
 * <pre>{@code
 * SingleAgreementReport r = SingleAgreement.evaluate(cases.responses(), judgments, 1);
 * r.overall().agreement(); r.overall().spearman();
 * }</pre>
 *
 * @param judge the judge model
 * @param tolerance how far a rating may be from the human score and still agree, in scale points
 * @param overall all cases
 * @param byScenarioGroup one row per scenario group with cases; empty when no case names a scenario
 * @param byTag one row per tag; empty when no case has tags
 * @param noVerdicts every case without a rating, with the reason
 */
public record SingleAgreementReport(String judge, double tolerance, Figures overall, List<Figures> byScenarioGroup,
                                    List<Figures> byTag, List<NoVerdictCase> noVerdicts) {

    public SingleAgreementReport {
        byScenarioGroup = List.copyOf(byScenarioGroup);
        byTag = List.copyOf(byTag);
        noVerdicts = List.copyOf(noVerdicts);
    }

    /**
     * The figures of one row.
     *
     * @param name the row
     * @param cases labelled cases in the row
     * @param rated cases the judge rated
     * @param withinTolerance cases whose rating is within the tolerance of the human score
     * @param pearson Pearson's correlation over the rated cases, NaN when undefined
     * @param spearman Spearman's rank correlation over the rated cases, NaN when undefined
     * @param meanAbsoluteDifference mean |rating − human score| over the rated cases, NaN when none
     */
    public record Figures(String name, int cases, int rated, int withinTolerance, double pearson, double spearman,
                          double meanAbsoluteDifference) {

        /** {@code withinTolerance / cases}, a share (a case without a rating does not agree). */
        public double agreement() {
            return (double) withinTolerance / cases;
        }

        /** The 95 % Wilson score interval of the agreement, shares. */
        public Statistics.Interval agreementInterval() {
            return Statistics.wilson(withinTolerance, cases);
        }
    }

    /** The human-readable report. */
    public String toText() {
        return ReportText.single(this);
    }

    /** The report as JSON. */
    public ObjectNode toJson() {
        return ReportJson.single(this);
    }
}
