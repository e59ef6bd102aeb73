package com.example.springai;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;

/** The application: a support assistant whose system prompt is a template in prompts/system.txt. */
public final class Assistant {

    private final ChatModel model;
    private final String systemPrompt;

    public Assistant(ChatModel model, String systemPrompt) {
        this.model = model;
        this.systemPrompt = systemPrompt;
    }

    public Assistant(ChatModel model) {
        this(model, defaultSystemPrompt());
    }

    public String answer(String question) {
        return model.call(new SystemMessage(systemPrompt), new UserMessage(question));
    }

    public static String defaultSystemPrompt() {
        try (InputStream in = Assistant.class.getResourceAsStream("/prompts/system.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
