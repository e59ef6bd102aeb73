package dev.autoj.assertions;

import static dev.autoj.assertions.ShouldAgreeWithLabels.shouldAgreeWithLabels;

import dev.autoj.engine.Judge;
import dev.autoj.engine.agreement.LabelledCases;
import dev.autoj.engine.agreement.PairwiseAgreement;
import dev.autoj.engine.agreement.PairwiseAgreementReport;
import dev.autoj.engine.agreement.SingleAgreement;
import dev.autoj.engine.agreement.SingleAgreementReport;
import java.util.Locale;

/**
 * How well a judge agrees with the team's own labels, decided over a whole labelled set: every case
 * is judged once (pairs in both orders, one batch) and each expectation reads the same report.
 *
 * <pre>{@code
 * LabelledCases cases = LabelledCases.fromClasspath("labelled/support.jsonl");
 * assertThatJudge().onLabelledCases(cases).agreesAtLeast(0.7).hasKappaAtLeast(0.4);
 * assertThatJudge(judge).onLabelledCases(scored).withTolerance(1).agreesAtLeast(0.8);
 * }</pre>
 *
 * <p>Agreement is the engine's ({@link PairwiseAgreement}: both orders must give the human label, the
 * Auto-J leaderboard's rule; {@link SingleAgreement}: the rating within the tolerance of the human
 * score). The thresholds compare the measured share itself, not its interval; a failure shows the
 * figures with the 95 % Wilson interval, Cohen's kappa and the confusion table.
 */
public class AgreementAssert extends AbstractJudgedAssert<AgreementAssert, LabelledCases> {

    private double tolerance = 1;
    private PairwiseAgreementReport pairwise;
    private SingleAgreementReport single;

    /** Prefer {@link AutoJAssertions#assertThatJudge()}; public for AssertJ's proxies. */
    public AgreementAssert(LabelledCases cases) {
        super(cases, AgreementAssert.class);
    }

    /** Single-response cases: how many scale points a rating may be from the human score and still agree (default 1). */
    public AgreementAssert withTolerance(double points) {
        Messages.checked(points >= 0 && !Double.isInfinite(points), points,
                "withTolerance(points) takes a number of scale points, 0 or more");
        if (single != null) {
            throw new IllegalStateException("withTolerance(..) goes before the first expectation: the cases are judged once");
        }
        this.tolerance = points;
        return myself;
    }

    /** Passes when the judge agrees with the labels in at least {@code share} (0 &lt; share ≤ 1) of the cases. */
    public AgreementAssert agreesAtLeast(double share) {
        requireShare("agreesAtLeast", share);
        measure();
        int agreeing = pairwise != null ? pairwise.overall().agreeing() : single.overall().withinTolerance();
        if (agreeing < Math.ceil(share * actual.size() - 1e-9)) {
            throwAssertionError(shouldAgreeWithLabels("to agree with the labels in at least " + percent(share) + " of the cases",
                    "it agreed in " + agreeing + " of " + actual.size(), actual, report()));
        }
        return myself;
    }

    /** Pairwise cases: passes when Cohen's kappa of the judge against the labels is at least {@code kappa}. */
    public AgreementAssert hasKappaAtLeast(double kappa) {
        Messages.checked(kappa > -1 && kappa <= 1, kappa, "hasKappaAtLeast(kappa) takes -1 < kappa <= 1, e.g. 0.4");
        PairwiseAgreementReport r = pairwiseOnly("hasKappaAtLeast");
        double measured = r.overall().kappa().value();
        if (Double.isNaN(measured) || measured < kappa) {
            throwAssertionError(shouldAgreeWithLabels("to reach Cohen's kappa " + kappa,
                    Double.isNaN(measured) ? "its kappa is undefined" : "its kappa is " + String.format(Locale.ROOT, "%.3f", measured), actual, report()));
        }
        return myself;
    }

    /** Pairwise cases: passes when both orders give the same verdict in at least {@code share} of the cases. */
    public AgreementAssert isConsistentInAtLeast(double share) {
        requireShare("isConsistentInAtLeast", share);
        PairwiseAgreementReport r = pairwiseOnly("isConsistentInAtLeast");
        if (r.overall().consistent() < Math.ceil(share * actual.size() - 1e-9)) {
            throwAssertionError(shouldAgreeWithLabels("to give the same verdict in both orders in at least " + percent(share) + " of the cases",
                    "it did in " + r.overall().consistent() + " of " + actual.size(), actual, report()));
        }
        return myself;
    }

    /** The pairwise report, judging the cases first if no expectation did. */
    public PairwiseAgreementReport pairwiseReport() {
        return pairwiseOnly("pairwiseReport");
    }

    /** The single-response report, judging the cases first if no expectation did. */
    public SingleAgreementReport singleReport() {
        isNotNull();
        if (actual.isPairwise()) {
            throw new IllegalStateException("singleReport() is for single-response cases; these are pairwise: use pairwiseReport()");
        }
        measure();
        return single;
    }

    private PairwiseAgreementReport pairwiseOnly(String method) {
        isNotNull();
        if (!actual.isPairwise()) {
            throw new IllegalStateException(method + "(..) is about pairwise verdicts; these are single-response cases,"
                    + " measured by agreesAtLeast(share) with withTolerance(points)");
        }
        measure();
        return pairwise;
    }

    private void measure() {
        isNotNull();
        if (pairwise != null || single != null) {
            return;
        }
        Judge j = Resolve.judge(judge);
        if (actual.isPairwise()) {
            pairwise = PairwiseAgreement.evaluate(actual.pairs(), j.compareAll(actual.compareRequests()));
        } else {
            single = SingleAgreement.evaluate(actual.responses(), j.gradeAll(actual.gradeRequests()), tolerance);
        }
    }

    private String report() {
        return pairwise != null ? pairwise.toText() : single.toText();
    }

    private static void requireShare(String method, double share) {
        Messages.checked(share > 0 && share <= 1, share, method + "(share) takes a share in (0, 1], e.g. 0.7 for 70 %");
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }
}
