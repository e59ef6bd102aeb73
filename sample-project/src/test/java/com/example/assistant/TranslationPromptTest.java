package com.example.assistant;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;

import com.example.assistant.Requests.Request;
import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import dev.autoj.langchain4j.RecordedChatModel;
import dev.langchain4j.model.chat.ChatModel;
import org.junit.jupiter.api.Test;

/** A Chinese task: the new prompt asks to translate market slang by its meaning, not word by word. */
@AutoJ
class TranslationPromptTest {

    private static final ChatModel MODEL = RecordedChatModel.wrap(AssistantModel.openAi());

    private final Assistant current = new Assistant(MODEL, PromptVersion.CURRENT);
    private final Assistant next = new Assistant(MODEL, PromptVersion.NEXT);
    private final Request chinese = Requests.byId("translate-chinese");

    @Test
    void newTranslationOfAChinesePhraseIsPreferredOverTheCurrentOne() {
        assertThatResponse(next.answer(chinese.query())).forQuery(chinese.query()).inScenario(Scenario.TEXT_TO_TEXT_TRANSLATION)
                .isPreferredOver(current.answer(chinese.query()));
    }
}
