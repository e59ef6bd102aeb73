package dev.autoj.cli.eval;

import java.util.List;

/**
 * How well a scenario classifier names the scenario of the test queries.
 *
 * @param items number of queries
 * @param correct queries whose answer equals the true category
 * @param accuracy {@code correct} in percent, rounded to 2 decimals
 * @param categories one row per true category present, in the order of {@link dev.autoj.engine.Scenario}
 * @param unrecognised answers that named no scenario and were counted as {@code default}
 */
public record ScenarioReport(int items, int correct, double accuracy, List<CategoryFigures> categories, int unrecognised) {

    public ScenarioReport {
        categories = List.copyOf(categories);
    }
}
