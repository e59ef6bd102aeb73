package dev.autoj.assertions;

import dev.autoj.engine.Judge;
import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.family.prometheus.Rubric;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * An assertion whose judge can grade against the user's own criteria: a rubric and a reference answer
 * (Prometheus 2; Auto-J judges by its own per-scenario criteria and refuses both), and whose ratings are
 * checked against the judge family's scale. Declared once for {@link ResponseAssert}, {@link ResponsesAssert}
 * and {@link CandidatesAssert}.
 *
 * <pre>{@code
 * Rubric concise = Rubric.of("Is the answer concise?", "Rambling.", "Mostly rambling.", "Adequate.",
 *         "Mostly concise.", "Concise and complete.");
 * assertThatResponses(samples).forQuery(q).withRubric(concise).withReferenceAnswer(ref).scoresAtLeast(4).inAtLeast(0.8);
 * assertThatCandidates(cases).withRubric("helpfulness").isPreferredOverBaseline();
 * }</pre>
 *
 * <p>Every request of an expectation is checked against the judge's family before the judge is asked:
 * Prometheus 2 without a rubric, Auto-J with a rubric or a reference answer, a language the family has no
 * templates for, or a rating off the family's scale fail at once, naming what to change.
 *
 * @param <SELF> the concrete assertion, returned by every fluent method
 * @param <ACTUAL> what is judged
 */
public abstract class AbstractCriteriaAssert<SELF extends AbstractCriteriaAssert<SELF, ACTUAL>, ACTUAL>
        extends AbstractJudgedAssert<SELF, ACTUAL> {

    private String rubricText;
    private Rubric rubric;
    /** The reference answer given with {@link #withReferenceAnswer}, or null. */
    String referenceAnswer;

    protected AbstractCriteriaAssert(ACTUAL actual, Class<?> selfType) {
        super(actual, selfType);
    }

    /**
     * The rubric the judge grades against, as text (inserted as given) or a predefined rubric's name
     * ({@code "helpfulness"}, {@code "harmlessness"}, {@code "honesty"}, {@code "factual_validity"}, {@code "reasoning"}).
     * Prometheus 2 requires one; Auto-J takes none and refuses it.
     *
     * <pre>{@code
     * assertThatResponse(answer).forQuery(q).withRubric("helpfulness").isPreferredOver(baseline);
     * }</pre>
     */
    public SELF withRubric(String rubric) {
        this.rubricText = Objects.requireNonNull(rubric, "rubric");
        this.rubric = null;
        criteriaChanged();
        return myself;
    }

    /**
     * The rubric as a value: criteria and what scores 1–5 mean. Grading shows it whole
     * ({@link Rubric#text()}); a comparison shows its criteria line, as the prometheus-eval library does.
     *
     * <pre>{@code
     * Rubric concise = Rubric.of("Is the answer concise?", "Rambling.", "Mostly rambling.", "Adequate.",
     *         "Mostly concise.", "Concise and complete.");
     * assertThatResponse(answer).forQuery(q).withRubric(concise).scoresAtLeast(4);
     * }</pre>
     */
    public SELF withRubric(Rubric rubric) {
        this.rubric = Objects.requireNonNull(rubric, "rubric");
        this.rubricText = null;
        criteriaChanged();
        return myself;
    }

    /**
     * A reference answer (what a top answer looks like) for a judge that takes one (Prometheus 2); Auto-J refuses it.
     * On a set of cases it is every case's, except a case with its own ({@link PairedCase#referenceAnswer()}).
     *
     * <pre>{@code
     * assertThatResponse(answer).forQuery("What is 2+2?").withRubric(rubric).withReferenceAnswer("4").scoresAtLeast(4);
     * }</pre>
     */
    public SELF withReferenceAnswer(String referenceAnswer) {
        this.referenceAnswer = Objects.requireNonNull(referenceAnswer, "referenceAnswer");
        criteriaChanged();
        return myself;
    }

    /** Called when the rubric or the reference answer changes: an assertion drops what it judged under the old ones. */
    void criteriaChanged() {
    }

    /** The rubric as grading shows it (a {@link Rubric} whole), or null. */
    String gradingRubric() {
        return rubric != null ? rubric.text() : rubricText;
    }

    /** The rubric as a comparison shows it (a {@link Rubric}'s criteria line), or null. */
    String comparingRubric() {
        return rubric != null ? rubric.criteriaLine() : rubricText;
    }

    /** Refuses a rating off the judge family's scale, naming the scale and the model, before the judge is asked. */
    void checkScale(Judge j, String assertion, String name, double value) {
        JudgeFamily.Scale scale = j.family().scale();
        if (!(value >= scale.lowest() && value <= scale.highest())) {
            throw new IllegalArgumentException(assertion + "(..): the " + name + " rating " + Messages.formatRating(value)
                    + " is off the judge's scale: " + model(j) + " scores " + scale + ", so it could never be met. Give a "
                    + name + " on the " + scale + " scale" + (scale.highest() < 10 ? " (e.g. 4 for \"good\")" : "") + ".");
        }
    }

    /**
     * Builds each request's prompt with the judge's family, without asking the judge, so that a request the family
     * refuses (no rubric for Prometheus 2, a rubric or reference answer for Auto-J, a language without templates)
     * fails the whole assertion before any model time is spent, naming the item and what to change.
     *
     * @param assertion the expectation, e.g. {@code isPreferredOverBaseline}
     * @param items what each request judges, for the message, e.g. {@code "case line-3"}
     */
    <R> void checkRequests(Judge j, String assertion, List<R> requests, Consumer<R> prompt, IntFunction<String> items) {
        for (int i = 0; i < requests.size(); i++) {
            try {
                prompt.accept(requests.get(i));
            } catch (JudgeFamily.InvalidRequestException e) {
                throw new JudgeFamily.InvalidRequestException(e.field(), assertion + "(): " + items.apply(i) + " of "
                        + requests.size() + " cannot be judged by " + model(j) + ", so nothing was judged: " + e.problem(),
                        e.fix());
            }
        }
    }

    private static String model(Judge j) {
        return j.modelId() != null ? j.modelId() + " (" + j.family().name() + ")" : j.family().name();
    }
}
