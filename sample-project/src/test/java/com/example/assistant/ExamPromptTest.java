package com.example.assistant;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;

import com.example.assistant.Requests.Request;
import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import dev.autoj.langchain4j.RecordedChatModel;
import dev.langchain4j.model.chat.ChatModel;
import org.junit.jupiter.api.Test;

/** The new prompt asks to state the physical relationship first, then explain it. */
@AutoJ
class ExamPromptTest {

    private static final ChatModel MODEL = RecordedChatModel.wrap(AssistantModel.openAi());

    private final Assistant current = new Assistant(MODEL, PromptVersion.CURRENT);
    private final Assistant next = new Assistant(MODEL, PromptVersion.NEXT);
    private final Request physics = Requests.byId("exam-physics");

    @Test
    void newExamAnswerIsPreferredOverTheCurrentOne() {
        assertThatResponse(next.answer(physics.query())).forQuery(physics.query())
                .inScenario(Scenario.SOLVING_EXAM_QUESTION_WITH_MATH)
                .isPreferredOver(current.answer(physics.query()));
    }

    @Test
    void newExamAnswerScoresBetweenFiveAndEight() {
        assertThatResponse(next.answer(physics.query())).forQuery(physics.query())
                .inScenario(Scenario.SOLVING_EXAM_QUESTION_WITH_MATH)
                .scoresBetween(5, 8);
    }
}
