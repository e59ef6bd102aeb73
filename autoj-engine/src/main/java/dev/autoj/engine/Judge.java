package dev.autoj.engine;

import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.family.JudgeFamily;
import java.util.List;

/**
 * The judge as every caller sees it: Auto-J by default, or another {@linkplain #family() family} chosen by
 * its model id (Prometheus 2). Thread-safe; share one instance.
 *
 * <pre>{@code
 * Comparison c = judge.compare("Write a haiku about rain", newAnswer, baseline, Scenario.CREATIVE_WRITING);
 * c.combined();          // Optional: RESPONSE_1 means newAnswer won in both orders
 * Judgment j = judge.grade("Write a haiku about rain", newAnswer, Scenario.CREATIVE_WRITING);
 * j.rating();            // 1..10 for Auto-J (the family's scale), or null with j.noVerdictReason()
 * }</pre>
 */
public interface Judge extends AutoCloseable {

    /**
     * A pairwise request. {@code rubric} and {@code referenceAnswer} are for a judge family that takes them
     * (Prometheus 2: the rubric is required, the reference answer optional); null means none. Auto-J takes
     * neither and refuses a request that carries one.
     *
     * <pre>{@code
     * new CompareRequest(q, answer, baseline, null).withRubric("[Is the answer concise?]").withReferenceAnswer(ref);
     * }</pre>
     */
    record CompareRequest(String query, String response1, String response2, Scenario scenario, Language language,
                          String rubric, String referenceAnswer) {
        public CompareRequest(String query, String response1, String response2, Scenario scenario, Language language) {
            this(query, response1, response2, scenario, language, null, null);
        }

        public CompareRequest(String query, String response1, String response2, Scenario scenario) {
            this(query, response1, response2, scenario, Language.EN);
        }

        /** This request under {@code rubric} (text, or a predefined rubric's name such as {@code "helpfulness"}). */
        public CompareRequest withRubric(String rubric) {
            return new CompareRequest(query, response1, response2, scenario, language, rubric, referenceAnswer);
        }

        /** This request with a reference answer (a score-5 answer the judge compares with). */
        public CompareRequest withReferenceAnswer(String referenceAnswer) {
            return new CompareRequest(query, response1, response2, scenario, language, rubric, referenceAnswer);
        }
    }

    /**
     * A single-response request; {@code rubric} and {@code referenceAnswer} as in {@link CompareRequest}.
     *
     * <pre>{@code
     * new GradeRequest(q, answer, null).withRubric(Rubric.HELPFULNESS.text());   // Prometheus 2: a score 1–5
     * }</pre>
     */
    record GradeRequest(String query, String response, Scenario scenario, Language language, String rubric,
                        String referenceAnswer) {
        public GradeRequest(String query, String response, Scenario scenario, Language language) {
            this(query, response, scenario, language, null, null);
        }

        public GradeRequest(String query, String response, Scenario scenario) {
            this(query, response, scenario, Language.EN);
        }

        /** This request under {@code rubric} (text, or a predefined rubric's name such as {@code "helpfulness"}). */
        public GradeRequest withRubric(String rubric) {
            return new GradeRequest(query, response, scenario, language, rubric, referenceAnswer);
        }

        /** This request with a reference answer (a score-5 answer the judge compares with). */
        public GradeRequest withReferenceAnswer(String referenceAnswer) {
            return new GradeRequest(query, response, scenario, language, rubric, referenceAnswer);
        }
    }

    /** Judges {@code response1} against {@code response2} in both orders. */
    default Comparison compare(String query, String response1, String response2, Scenario scenario) {
        return compareAll(List.of(new CompareRequest(query, response1, response2, scenario))).get(0);
    }

    /** Critiques and rates one response. */
    default Judgment grade(String query, String response, Scenario scenario) {
        return gradeAll(List.of(new GradeRequest(query, response, scenario))).get(0);
    }

    /** Judges many pairs; their prompts reach the back end together. Results in request order. */
    List<Comparison> compareAll(List<CompareRequest> requests);

    /**
     * Judges each pair in the given order only (response 1 shown first): half the prompts of
     * {@link #compareAll}, but no check of Auto-J's position bias. The verdicts name positions as
     * in the request. For a cheap first pass or when a caller swaps orders itself.
     *
     * <pre>{@code
     * Judgment j = judge.compareInGivenOrderAll(List.of(new CompareRequest(q, answer, baseline, null))).get(0);
     * j.verdict();   // RESPONSE_1 means answer won, shown first
     * }</pre>
     *
     * <p>No default: a wrapper that forgot to forward it would silently judge both orders at twice
     * the cost, so every implementation says what it sends.
     */
    List<Judgment> compareInGivenOrderAll(List<CompareRequest> requests);

    /** Grades many responses; their prompts reach the back end together. Results in request order. */
    List<Judgment> gradeAll(List<GradeRequest> requests);

    /**
     * The scenario of a query according to Auto-J's scenario classifier; {@link Scenario#DEFAULT}
     * when the classifier answers something that is not a scenario name.
     *
     * @throws UnsupportedOperationException when no classifier is configured ({@link #hasClassifier()} says)
     */
    default Scenario classify(String query) {
        return classifyAll(List.of(query)).get(0).scenario();
    }

    /**
     * Classifies many queries; their prompts reach the classifier together. Results in query order,
     * each with the classifier's own output and warnings.
     *
     * @throws UnsupportedOperationException when no classifier is configured ({@link #hasClassifier()} says)
     */
    List<Classification> classifyAll(List<String> queries);

    /**
     * Whether a scenario classifier is configured. Without one, a request without a scenario is judged
     * in {@link Scenario#DEFAULT}.
     */
    boolean hasClassifier();

    /**
     * The judge family that builds this judge's prompts and reads its outputs (its scale, protocols, whether
     * pairwise grading has a tie). A judge that does not say is Auto-J.
     *
     * <pre>{@code
     * judge.family().scale();   // 1–10 for Auto-J, 1–5 for Prometheus 2
     * }</pre>
     */
    default JudgeFamily family() {
        return JudgeFamilies.AUTOJ;
    }

    /** The judge model's id (it keys the store), e.g. {@code "GAIR/autoj-13b"}; null when a judge does not say. */
    default String modelId() {
        return null;
    }

    /** Releases the back end (model sessions, HTTP clients). */
    @Override
    void close();
}
