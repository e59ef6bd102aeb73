package dev.autoj.assertions;

import static dev.autoj.assertions.ShouldHaveVerdict.shouldHaveVerdict;
import static dev.autoj.assertions.ShouldScore.shouldScore;
import static dev.autoj.assertions.ShouldWinComparison.shouldWinComparison;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.family.JudgeFamily;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.StringAssert;
import org.assertj.core.error.ErrorMessageFactory;

/**
 * Assertions on one response, judged by the run's judge (Auto-J by default; Prometheus 2 when
 * {@code autoj.model.name} names it, or a judge given with {@link #judgedBy}). Start with
 * {@link AutoJAssertions#assertThatResponse(String)}; name the query, optionally the scenario,
 * language, rubric and reference answer (Prometheus 2), judge and position policy, then state the expectation:
 *
 * <pre>{@code
 * assertThatResponse(answer).forQuery(q).inScenario(Scenario.CODE_GENERATION).isPreferredOver(baseline);
 * assertThatResponse(answer).forQuery(q).scoresAtLeast(7);
 * assertThatResponse(answer).forQuery(q).critique().doesNotContainIgnoringCase("incorrect");
 * // Prometheus 2 (scores 1–5):
 * assertThatResponse(answer).forQuery(q).withRubric(myRubric).withReferenceAnswer(ref).scoresAtLeast(4);
 * }</pre>
 *
 * <p>A rating is checked against the judge family's scale before the judge is asked:
 * {@code scoresAtLeast(7)} with Prometheus 2 (1–5) fails at once. Prometheus 2's relative grading has no tie,
 * so with it {@link #isAtLeastAsGoodAs} passes when the response wins in at least one order (a split
 * decision is the tie it cannot say); with the {@link PositionPolicy#FIRST_ONLY} policy it must win the
 * order it is shown first in.
 *
 * <p>Each expectation asks the judge once; {@code critique()} reuses the latest judgment of this
 * assertion (grading the response first if there is none). A no-verdict always fails, with the
 * judge's reason.
 */
public class ResponseAssert extends AbstractQueryAssert<ResponseAssert, String> {

    private PositionPolicy policy;
    private Judgment grade;
    private Judgment latest;

    /** Prefer {@link AutoJAssertions#assertThatResponse(String)}; public for AssertJ's soft-assertion proxies. */
    public ResponseAssert(String response) {
        super(response, ResponseAssert.class);
    }

    /** How the two orders of a comparison combine; default from {@code autoj.position-policy}, else {@link PositionPolicy#BOTH}. */
    public ResponseAssert withPositionPolicy(PositionPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        return myself;
    }

    /** A new rubric or reference answer: the grading made under the old ones is not this assertion's any more. */
    @Override
    void criteriaChanged() {
        this.grade = null;
    }

    /** Passes when the judge prefers this response over {@code baseline} (ties fail), per the position policy. */
    public ResponseAssert isPreferredOver(String baseline) {
        return compare("isPreferredOver", "to be preferred over the", baseline, EnumSet.of(Verdict.RESPONSE_1));
    }

    /**
     * Passes when the judge prefers this response or calls a tie, per the position policy. With a family
     * without ties (Prometheus 2): passes when this response wins in at least one order (only the first order
     * with {@link PositionPolicy#FIRST_ONLY}).
     */
    public ResponseAssert isAtLeastAsGoodAs(String baseline) {
        return compare("isAtLeastAsGoodAs", "to be at least as good as (a tie passes) the", baseline,
                EnumSet.of(Verdict.RESPONSE_1, Verdict.TIE));
    }

    /**
     * Passes when the judge rates this response {@code minimum} or higher, on the judge family's scale (Auto-J
     * 1–10, Prometheus 2 1–5); a minimum off the scale fails before the judge is asked.
     */
    public ResponseAssert scoresAtLeast(double minimum) {
        checkScale("scoresAtLeast", "minimum", minimum);
        return score("scoresAtLeast", "score at least " + Messages.formatRating(minimum), r -> r >= minimum);
    }

    /** Passes when the judge's rating lies in {@code [minimum, maximum]}. */
    public ResponseAssert scoresBetween(double minimum, double maximum) {
        checkScale("scoresBetween", "minimum", minimum);
        checkScale("scoresBetween", "maximum", maximum);
        if (minimum > maximum) {
            throw new IllegalArgumentException("scoresBetween(" + minimum + ", " + maximum + "): the minimum is above the maximum");
        }
        return score("scoresBetween", "score between " + Messages.formatRating(minimum) + " and "
                + Messages.formatRating(maximum), r -> r >= minimum && r <= maximum);
    }

    /**
     * A string assertion on the judge's critique: of the latest judgment of this assertion (the
     * original order of a comparison), else of a fresh single-response grading.
     */
    public AbstractStringAssert<?> critique() {
        isNotNull();
        Judgment judgment = latest;
        if (judgment == null) {
            judgment = grade();
            // A grading made only for its critique is still a judgment the judge was paid for: it is
            // reported (Allure step, run summary) like any other, as "critique" with no expectation of its own.
            Resolve.report(new JudgmentReport("critique", "a critique to check (graded for critique())",
                    Resolve.query(query, "critique"), actual, null, judgment.scenario(), language, null, null, judgment, true, null));
        }
        String critique = judgment.critique();
        String description = "critique by the judge (" + judgment.source() + ")";
        AbstractStringAssert<?> critiqueAssert = soft != null
                ? soft.proxy(StringAssert.class, String.class, critique)
                : new StringAssert(critique);
        return critiqueAssert.as(description);
    }

    private ResponseAssert compare(String assertion, String expectation, String baseline, Set<Verdict> accepted) {
        isNotNull();
        Objects.requireNonNull(baseline, "baseline");
        String q = Resolve.query(query, assertion);
        Resolve.encodable("The response", actual);
        Resolve.encodable("The baseline", baseline);
        Judge j = Resolve.judge(judge);
        PositionPolicy p = Resolve.policy(policy);
        JudgeFamily family = j.family();
        if (!family.ties() && accepted.contains(Verdict.TIE)) {
            // No tie to accept: a split decision (each response wins one order) is the tie this family cannot say.
            p = p == PositionPolicy.FIRST_ONLY ? p : PositionPolicy.EITHER;
            accepted = EnumSet.of(Verdict.RESPONSE_1);
            expectation = "to be at least as good as (" + family.name() + " has no tie: winning in at least one order"
                    + " passes) the";
        }
        // A missing scenario is resolved by the engine, in the same batch (classified, or 'default' without a classifier).
        Comparison comparison = j.compareAll(List.of(new Judge.CompareRequest(q, actual, baseline, scenario, language,
                comparingRubric(), referenceAnswer))).get(0);
        Scenario s = comparison.original().scenario();
        scenario = s;
        latest = comparison.original();
        JudgmentReport draft = new JudgmentReport(assertion, expectation + " baseline", q, actual, baseline, s, language, p,
                comparison, null, true, null);
        ErrorMessageFactory failure = null;
        if (p.missesVerdict(comparison)) {
            failure = shouldHaveVerdict(expectation + " baseline " + Messages.quoted(baseline), actual, q,
                    List.of(comparison.original(), comparison.swapped()), draft.warnings());
        } else if (!p.accepts(comparison, accepted)) {
            failure = shouldWinComparison(expectation, actual, baseline, q, p, comparison, draft.warnings());
        }
        return conclude(draft, failure);
    }

    private ResponseAssert score(String assertion, String expectation, java.util.function.DoublePredicate inRange) {
        isNotNull();
        String q = Resolve.query(query, assertion);
        Judgment judgment = grade();
        JudgmentReport draft = new JudgmentReport(assertion, expectation, q, actual, null, judgment.scenario(), language,
                null, null, judgment, true, null);
        ErrorMessageFactory failure = null;
        if (judgment.isNoVerdict()) {
            failure = shouldHaveVerdict(expectation, actual, q, List.of(judgment), draft.warnings());
        } else if (!inRange.test(judgment.rating())) {
            failure = shouldScore(expectation, actual, q, judgment, draft.warnings());
        }
        return conclude(draft, failure);
    }

    private ResponseAssert conclude(JudgmentReport draft, ErrorMessageFactory failure) {
        String message = failure == null ? null : failure.create(info.description(), info.representation());
        Resolve.report(new JudgmentReport(draft.assertion(), draft.expectation(), draft.query(), draft.response(),
                draft.baseline(), draft.scenario(), draft.language(), draft.policy(), draft.comparison(), draft.judgment(),
                failure == null, message));
        if (failure != null) {
            throwAssertionError(failure);
        }
        return myself;
    }

    private Judgment grade() {
        if (grade == null) {
            String q = Resolve.query(query, "grading");
            Resolve.encodable("The response", actual);
            Judge j = Resolve.judge(judge);
            grade = j.gradeAll(List.of(new Judge.GradeRequest(q, actual, scenario, language,
                    gradingRubric(), referenceAnswer))).get(0);
            scenario = grade.scenario();
        }
        latest = grade;
        return grade;
    }

    private void checkScale(String assertion, String name, double value) {
        checkScale(Resolve.judge(judge), assertion, name, value);
    }
}
