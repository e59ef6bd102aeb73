package dev.autoj.junit;

import dev.autoj.engine.Judge;

/** Builds the run's judge from the validated settings; called at most once per run, on first use. */
@FunctionalInterface
interface JudgeFactory {

    Judge create(Settings settings);
}
