package com.example.assistant;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;

import com.example.assistant.Answers.Task;
import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import org.junit.jupiter.api.Test;

/** The new prompt asks for summaries that keep the poster's question; does that help? */
@AutoJ
class PostSummaryPromptTest {

    private final Task post = Answers.task("post-summary");

    @Test
    void newSummaryIsPreferredOverTheCurrentOne() {
        assertThatResponse(post.newAnswer()).forQuery(post.query()).inScenario(Scenario.POST_SUMMARIZATION)
                .isPreferredOver(post.currentAnswer());
    }

    @Test
    void newSummaryScoresAtLeastSixAndStaysOnTopic() {
        assertThatResponse(post.newAnswer()).forQuery(post.query()).inScenario(Scenario.POST_SUMMARIZATION)
                .scoresAtLeast(6)
                .critique().doesNotContainIgnoringCase("irrelevant");
    }
}
