package dev.autoj.assertions;

import dev.autoj.engine.Judge;
import dev.autoj.engine.agreement.LabelledCases;
import java.util.Objects;

/**
 * The judge under test, waiting for the team's labelled cases it is measured on.
 *
 * <pre>{@code
 * assertThatJudge().onLabelledCases(LabelledCases.fromClasspath("labelled/support.jsonl")).agreesAtLeast(0.7);
 * assertThatJudge(judge).onLabelledCases(cases).hasKappaAtLeast(0.4);
 * }</pre>
 */
public final class JudgeAssert {

    private final Judge judge;

    JudgeAssert(Judge judge) {
        this.judge = judge;
    }

    /** Measures the judge on these cases (pairwise or single-response), judging them once. */
    public AgreementAssert onLabelledCases(LabelledCases cases) {
        AgreementAssert assertion = new AgreementAssert(Objects.requireNonNull(cases, "cases"));
        return judge == null ? assertion : assertion.judgedBy(judge);
    }
}
