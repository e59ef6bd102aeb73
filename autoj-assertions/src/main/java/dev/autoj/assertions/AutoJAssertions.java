package dev.autoj.assertions;

import dev.autoj.engine.Judge;
import java.util.List;

/**
 * Entry point of the Auto-J assertions.
 *
 * <pre>{@code
 * import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
 *
 * assertThatResponse(answer).forQuery(q).inScenario(Scenario.CODE_GENERATION).isPreferredOver(baseline);
 * assertThatResponse(answer).forQuery(q).scoresBetween(6, 9);
 * assertThatResponses(samples).forQuery(q).scoresAtLeast(7).inAtLeast(0.8);
 * assertThatCandidates(PairedCases.fromClasspath("cases/summaries.jsonl")).isPreferredOverBaseline();
 * assertThatJudge().onLabelledCases(LabelledCases.fromClasspath("labelled/support.jsonl")).agreesAtLeast(0.7);
 * }</pre>
 *
 * <p>The judge comes from the autoj JUnit extension ({@code @AutoJ}) or from {@code judgedBy(judge)}.
 * For soft assertions use {@link AutoJSoftAssertions}.
 */
public final class AutoJAssertions {

    private AutoJAssertions() {
    }

    /** Assertions on one response. */
    public static ResponseAssert assertThatResponse(String response) {
        return new ResponseAssert(response);
    }

    /** Pass-rate assertions over several sampled responses to the same query. */
    public static ResponsesAssert assertThatResponses(List<String> responses) {
        return new ResponsesAssert(responses == null ? null : List.copyOf(responses));
    }

    /**
     * How well the judge agrees with your own labelled cases; the judge is the extension's.
     *
     * <pre>{@code
     * assertThatJudge().onLabelledCases(LabelledCases.fromClasspath("labelled/support.jsonl")).agreesAtLeast(0.7);
     * }</pre>
     */
    public static JudgeAssert assertThatJudge() {
        return new JudgeAssert(null);
    }

    /**
     * How well {@code judge} agrees with your own labelled cases.
     *
     * <pre>{@code
     * assertThatJudge(judge).onLabelledCases(cases).agreesAtLeast(0.7).hasKappaAtLeast(0.4);
     * }</pre>
     */
    public static JudgeAssert assertThatJudge(Judge judge) {
        return new JudgeAssert(java.util.Objects.requireNonNull(judge, "judge"));
    }

    /**
     * Set-level decision about a prompt change: pass, fail or inconclusive over many paired cases.
     *
     * <pre>{@code
     * assertThatCandidates(cases).isPreferredOverBaseline();
     * assertThatCandidates(cases).isNotWorseThanBaseline(0.05);
     * }</pre>
     */
    public static CandidatesAssert assertThatCandidates(List<PairedCase> cases) {
        return new CandidatesAssert(cases == null ? null : List.copyOf(cases));
    }
}
