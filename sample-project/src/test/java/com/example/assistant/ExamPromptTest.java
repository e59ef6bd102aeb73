package com.example.assistant;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;

import com.example.assistant.Answers.Task;
import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import org.junit.jupiter.api.Test;

/** The new prompt asks to state the physical relationship first, then explain it. */
@AutoJ
class ExamPromptTest {

    private final Task physics = Answers.task("exam-physics");

    @Test
    void newExamAnswerIsPreferredOverTheCurrentOne() {
        assertThatResponse(physics.newAnswer()).forQuery(physics.query())
                .inScenario(Scenario.SOLVING_EXAM_QUESTION_WITH_MATH)
                .isPreferredOver(physics.currentAnswer());
    }

    @Test
    void newExamAnswerScoresBetweenFiveAndEight() {
        assertThatResponse(physics.newAnswer()).forQuery(physics.query())
                .inScenario(Scenario.SOLVING_EXAM_QUESTION_WITH_MATH)
                .scoresBetween(5, 8);
    }
}
