package dev.autoj.assertions;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.DoublePredicate;

/**
 * Assertions over several sampled responses of a stochastic model to one query: a pass rate
 * instead of a single verdict. All samples reach the judge as one batch.
 *
 * <pre>{@code
 * assertThatResponses(samples).forQuery(q).scoresAtLeast(7).inAtLeast(0.8);
 * // Prometheus 2 (scores 1–5) against your rubric, one reference answer for every sample:
 * assertThatResponses(samples).forQuery(q).withRubric(myRubric).withReferenceAnswer(ref).scoresAtLeast(4).inAtLeast(0.8);
 * }</pre>
 *
 * <p>The minimum (and maximum) are checked against the judge family's scale, and every sample's request
 * against the family (a rubric for Prometheus 2, none for Auto-J), before the judge is asked.
 */
public class ResponsesAssert extends AbstractQueryAssert<ResponsesAssert, List<String>> {


    /** Prefer {@link AutoJAssertions#assertThatResponses(List)}; public for AssertJ's soft-assertion proxies. */
    public ResponsesAssert(List<String> responses) {
        super(responses, ResponsesAssert.class);
    }

    /** Grades every sample on the judge family's scale; finish with {@link PassRateAssert#inAtLeast(double)}. */
    public PassRateAssert scoresAtLeast(double minimum) {
        checkScale(Resolve.judge(judge), "scoresAtLeast", "minimum", minimum);
        return grade("scoresAtLeast", "score at least " + Messages.formatRating(minimum), r -> r >= minimum);
    }

    /** Grades every sample against {@code [minimum, maximum]}; finish with {@link PassRateAssert#inAtLeast(double)}. */
    public PassRateAssert scoresBetween(double minimum, double maximum) {
        Judge j = Resolve.judge(judge);
        checkScale(j, "scoresBetween", "minimum", minimum);
        checkScale(j, "scoresBetween", "maximum", maximum);
        if (minimum > maximum) {
            throw new IllegalArgumentException("scoresBetween(" + minimum + ", " + maximum + "): the minimum is above the maximum");
        }
        return grade("scoresBetween", "score between " + Messages.formatRating(minimum) + " and "
                + Messages.formatRating(maximum), r -> r >= minimum && r <= maximum);
    }

    private PassRateAssert grade(String assertion, String expectation, DoublePredicate inRange) {
        isNotNull();
        if (actual.isEmpty()) {
            throw new IllegalArgumentException("assertThatResponses(..) needs at least one sampled response, got none");
        }
        String q = Resolve.query(query, assertion);
        for (int i = 0; i < actual.size(); i++) {
            Resolve.encodable("Sample " + (i + 1) + " of the responses", actual.get(i));
        }
        Judge j = Resolve.judge(judge);
        String rubric = gradingRubric();
        List<Judge.GradeRequest> requests = actual.stream()
                .map(r -> new Judge.GradeRequest(q, r, scenario, language, rubric, referenceAnswer)).toList();
        checkRequests(j, assertion, requests, r -> j.family().gradePrompt(r), i -> "sample " + (i + 1));
        List<Judgment> judgments = j.gradeAll(requests);
        List<Boolean> passed = new ArrayList<>();
        for (int i = 0; i < actual.size(); i++) {
            Judgment judgment = judgments.get(i);
            boolean ok = !judgment.isNoVerdict() && inRange.test(judgment.rating());
            passed.add(ok);
            Resolve.report(new JudgmentReport(assertion + "[sample " + (i + 1) + "]", expectation, q, actual.get(i), null,
                    judgment.scenario(),
                    language, null, null, judgment, ok, ok ? null
                    : "sample " + (i + 1) + " did not " + expectation + ": " + Messages.rating(judgment)));
        }
        PassRateAssert passRate = soft != null
                ? soft.proxy(PassRateAssert.class, List.class, judgments)
                : new PassRateAssert(judgments);
        return passRate.expecting(expectation, q, actual, passed);
    }
}
