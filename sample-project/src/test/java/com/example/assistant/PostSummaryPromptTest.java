package com.example.assistant;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;

import com.example.assistant.Requests.Request;
import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import dev.autoj.langchain4j.RecordedChatModel;
import dev.langchain4j.model.chat.ChatModel;
import org.junit.jupiter.api.Test;

/** The new prompt asks for summaries that keep the poster's question; does that help? */
@AutoJ
class PostSummaryPromptTest {

    /** The application's model, recorded and replayed: in replay (the default here) it is never called. */
    private static final ChatModel MODEL = RecordedChatModel.wrap(AssistantModel.openAi());

    private final Assistant current = new Assistant(MODEL, PromptVersion.CURRENT);
    private final Assistant next = new Assistant(MODEL, PromptVersion.NEXT);
    private final Request post = Requests.byId("post-summary");

    @Test
    void newSummaryIsPreferredOverTheCurrentOne() {
        assertThatResponse(next.answer(post.query())).forQuery(post.query()).inScenario(Scenario.POST_SUMMARIZATION)
                .isPreferredOver(current.answer(post.query()));
    }

    @Test
    void newSummaryScoresAtLeastSixAndStaysOnTopic() {
        assertThatResponse(next.answer(post.query())).forQuery(post.query()).inScenario(Scenario.POST_SUMMARIZATION)
                .scoresAtLeast(6)
                .critique().doesNotContainIgnoringCase("irrelevant");
    }
}
