package com.example.assistant;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;

import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import dev.autoj.langchain4j.RecordedChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The prompt change under review, judged on answers the assistant's model gives, recorded then replayed. */
@AutoJ
class AssistantPromptTest {

    static final String QUESTION = "Where is my parcel 4711? It was due yesterday.";

    /** The application's real client; RecordedChatModel records and replays it with the run's settings. */
    static final ChatModel MODEL = RecordedChatModel.wrap(OpenAiChatModel.builder()
            .baseUrl("http://127.0.0.1:" + System.getProperty("chat.port") + "/v1")
            .apiKey("not-used").modelName("gpt-4o-mini").temperature(0.9).maxRetries(0).build());

    /** One word of the next prompt changes under -Dassistant.variant=changed (the replay then misses). */
    static String nextPrompt() {
        return "changed".equals(System.getProperty("assistant.variant"))
                ? SupportAssistant.NEXT_PROMPT.replace("three sentences", "three short sentences")
                : SupportAssistant.NEXT_PROMPT;
    }

    @BeforeAll
    static void servers() throws Exception {
        LoopbackServers.startWhenRecording();
    }

    @Test
    void theNextPromptIsPreferredOverTheCurrentOne() {
        String next = new SupportAssistant(MODEL, nextPrompt()).answer(QUESTION);
        String current = new SupportAssistant(MODEL, SupportAssistant.CURRENT_PROMPT).answer(QUESTION);
        assertThatResponse(next).forQuery(QUESTION).inScenario(Scenario.OPEN_QUESTION).isPreferredOver(current);
    }

    @Test
    void theNextPromptsAnswerScoresAtLeastSix() {
        // The same request as above: the model is asked once, both tests judge the same text.
        String next = new SupportAssistant(MODEL, nextPrompt()).answer(QUESTION);
        assertThatResponse(next).forQuery(QUESTION).inScenario(Scenario.OPEN_QUESTION).scoresAtLeast(6);
    }
}
