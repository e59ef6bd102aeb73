package dev.autoj.cli.eval;

import dev.autoj.engine.Scenario;
import dev.autoj.engine.agreement.Percent;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Accuracy of a scenario classifier, overall and per true category.
 *
 * <pre>{@code
 * ScenarioReport r = ScenarioEvaluation.evaluate(trueCategories, answers);
 * r.accuracy();   // percent of queries classified correctly
 * }</pre>
 */
public final class ScenarioEvaluation {

    private ScenarioEvaluation() {
    }

    /**
     * @param expected the true category per query
     * @param answers the classifier's answer per query, same order
     * @throws IllegalArgumentException when the lists differ in length
     */
    public static ScenarioReport evaluate(List<Scenario> expected, List<ScenarioAnswer> answers) {
        if (expected.size() != answers.size()) {
            throw new IllegalArgumentException("one answer per query is needed: " + expected.size()
                    + " queries, " + answers.size() + " answers");
        }
        Map<Scenario, int[]> byCategory = new EnumMap<>(Scenario.class);
        int correct = 0;
        int unrecognised = 0;
        for (int i = 0; i < expected.size(); i++) {
            ScenarioAnswer answer = answers.get(i);
            boolean hit = answer.scenario() == expected.get(i);
            int[] tally = byCategory.computeIfAbsent(expected.get(i), s -> new int[2]);
            tally[0]++;
            tally[1] += hit ? 1 : 0;
            correct += hit ? 1 : 0;
            unrecognised += answer.isUnrecognised() ? 1 : 0;
        }
        List<CategoryFigures> categories = new ArrayList<>();
        byCategory.forEach((s, t) -> categories.add(new CategoryFigures(s, t[0], t[1], Percent.of(t[1], t[0]))));
        return new ScenarioReport(expected.size(), correct, Percent.of(correct, expected.size()), categories, unrecognised);
    }
}
