package com.example.assistant;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;

import com.example.assistant.Answers.Task;
import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import org.junit.jupiter.api.Test;

/** A Chinese task: the new prompt asks to translate market slang by its meaning, not word by word. */
@AutoJ
class TranslationPromptTest {

    private final Task chinese = Answers.task("translate-chinese");

    @Test
    void newTranslationOfAChinesePhraseIsPreferredOverTheCurrentOne() {
        assertThatResponse(chinese.newAnswer()).forQuery(chinese.query()).inScenario(Scenario.TEXT_TO_TEXT_TRANSLATION)
                .isPreferredOver(chinese.currentAnswer());
    }
}
