package dev.autoj.junit;

import dev.autoj.engine.Judge;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Builds the engine's judge for the configured back end, mode and store. */
final class EngineJudges {

    private EngineJudges() {
    }

    static Judge create(Settings settings) {
        throw new ExtensionConfigurationException("autoj.backend=" + settings.backend().name().toLowerCase()
                + " with autoj.mode=" + settings.mode().name().toLowerCase() + " is not available in this build of autoj-engine.");
    }
}
