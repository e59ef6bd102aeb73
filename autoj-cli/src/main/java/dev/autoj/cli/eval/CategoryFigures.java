package dev.autoj.cli.eval;

import dev.autoj.engine.Scenario;

/**
 * Classification figures of one true category.
 *
 * @param category the true scenario
 * @param items queries of that category
 * @param correct queries classified as that category
 * @param accuracy {@code correct} in percent, rounded to 2 decimals
 */
public record CategoryFigures(Scenario category, int items, int correct, double accuracy) {
}
