package com.example.assistant;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import java.util.Objects;

/**
 * The application: an assistant that answers a user's request with a chat model, instructed by
 * one version of its system prompt.
 *
 * <pre>{@code
 * Assistant assistant = new Assistant(AssistantModel.openAi(), PromptVersion.CURRENT);
 * String answer = assistant.answer("Summarize the following post ...");
 * }</pre>
 */
public final class Assistant {

    private final ChatModel model;
    private final PromptVersion version;
    private final String systemPrompt;

    public Assistant(ChatModel model, PromptVersion version) {
        this.model = Objects.requireNonNull(model, "model");
        this.version = Objects.requireNonNull(version, "version");
        this.systemPrompt = version.systemPrompt();
    }

    public PromptVersion version() {
        return version;
    }

    /** The model's answer to {@code request}: the system prompt, then the request as the user's message. */
    public String answer(String request) {
        return model.chat(SystemMessage.from(systemPrompt), UserMessage.from(request)).aiMessage().text();
    }
}
