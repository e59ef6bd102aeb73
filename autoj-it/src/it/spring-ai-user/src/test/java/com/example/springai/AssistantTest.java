package com.example.springai;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import dev.autoj.springai.RecordedChatModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * The assistant's answers come from its real Spring AI model, wrapped by autoj: recorded once with
 * -Dautoj.mode=record (and -Dloopback.servers=on, which starts the chat server and the judge), then
 * replayed with neither. -Dsystem.prompt.file swaps in another system prompt, as a prompt change does.
 */
@AutoJ
class AssistantTest {

    static final String REFUND = "Can I return a bike I bought 40 days ago?";
    static final String HELMETS = "Do you sell helmets for children?";

    // A static field, created before any run: the run's mode and store are looked up at each call.
    static final ChatModel MODEL = RecordedChatModel.wrap(OpenAiChatModel.builder()
            .options(OpenAiChatOptions.builder()
                    .baseUrl("http://127.0.0.1:" + System.getProperty("chat.port") + "/v1")
                    .apiKey("sk-loopback")
                    .model("gpt-4o-mini")
                    .temperature(0.7)
                    .maxRetries(0)
                    .build())
            .build());

    static LoopbackServers servers;

    @BeforeAll
    static void startServersWhenRecording() throws IOException {
        if (Boolean.getBoolean("loopback.servers")) {
            servers = new LoopbackServers(Integer.getInteger("chat.port"), Integer.getInteger("judge.port"),
                    Path.of(System.getProperty("chat.log")));
        }
    }

    @AfterAll
    static void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    private static Assistant assistant() throws IOException {
        String file = System.getProperty("system.prompt.file");
        return file == null ? new Assistant(MODEL) : new Assistant(MODEL, Files.readString(Path.of(file)));
    }

    @Test
    void refundAnswerScoresAtLeastSix() throws IOException {
        String answer = assistant().answer(REFUND);
        System.out.println("answer to the refund question: " + answer);
        assertThatResponse(answer).forQuery(REFUND).inScenario(Scenario.SEEKING_ADVICE).scoresAtLeast(6);
    }

    @Test
    void helmetAnswerScoresAtLeastSix() throws IOException {
        String answer = assistant().answer(HELMETS);
        assertThatResponse(answer).forQuery(HELMETS).inScenario(Scenario.RECOMMENDATION).scoresAtLeast(6);
    }

    @Test
    void theSameRequestGetsTheSameAnswer() throws IOException {
        assertEquals(assistant().answer(REFUND), assistant().answer(REFUND));
    }
}
