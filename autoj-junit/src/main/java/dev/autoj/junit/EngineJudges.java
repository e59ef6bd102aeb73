package dev.autoj.junit;

import dev.autoj.engine.Judge;
import dev.autoj.engine.JudgeSpec;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Opens the engine's judge from the run's settings: the one settings→judge path, shared with the CLI. */
final class EngineJudges {

    private EngineJudges() {
    }

    static Judge create(Settings settings) {
        try {
            return settings.judge().open();
        } catch (JudgeSpec.InvalidSpecException e) {
            throw new ExtensionConfigurationException(e.getMessage(), e);
        }
    }
}
