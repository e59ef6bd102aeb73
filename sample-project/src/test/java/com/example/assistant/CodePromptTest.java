package com.example.assistant;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;

import com.example.assistant.Requests.Request;
import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import dev.autoj.langchain4j.RecordedChatModel;
import dev.langchain4j.model.chat.ChatModel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The new prompt asks for runnable code that answers the request itself. */
@AutoJ
class CodePromptTest {

    private static final ChatModel MODEL = RecordedChatModel.wrap(AssistantModel.openAi());

    private final Assistant current = new Assistant(MODEL, PromptVersion.CURRENT);
    private final Assistant next = new Assistant(MODEL, PromptVersion.NEXT);
    private final Request gans = Requests.byId("code-gans");
    private final Request mergeLists = Requests.byId("code-merge-lists");

    @Test
    void newCodeAnswerIsPreferredOverTheCurrentOne() {
        assertThatResponse(next.answer(gans.query())).forQuery(gans.query()).inScenario(Scenario.CODE_GENERATION)
                .isPreferredOver(current.answer(gans.query()));
    }

    @Test
    void newSolutionIsAtLeastAsGoodAsTheCurrentOne() {
        assertThatResponse(next.answer(mergeLists.query())).forQuery(mergeLists.query()).inScenario(Scenario.CODE_GENERATION)
                .isAtLeastAsGoodAs(current.answer(mergeLists.query()));
    }

    /**
     * Better than before is not good enough yet: Auto-J rates the new answer 3 of 10. Excluded from
     * the default run; {@code -Pshow-failure} runs it to show a red test and its critique.
     */
    @Test
    @Tag("expected-to-fail")
    void newCodeAnswerScoresAtLeastSix() {
        assertThatResponse(next.answer(gans.query())).forQuery(gans.query()).inScenario(Scenario.CODE_GENERATION)
                .scoresAtLeast(6);
    }
}
