package com.example.assistant;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;

/** The application: a support assistant whose behaviour is its system prompt. */
public final class SupportAssistant {

    /** The prompt in production. */
    public static final String CURRENT_PROMPT = "You are the support assistant of a parcel service.\n"
            + "Answer in one sentence.";
    /** The prompt under review: asks for more detail. */
    public static final String NEXT_PROMPT = "You are the support assistant of a parcel service.\n"
            + "Answer in three sentences: the status, the reason and what the customer can do next.";

    private final ChatModel model;
    private final String systemPrompt;

    public SupportAssistant(ChatModel model, String systemPrompt) {
        this.model = model;
        this.systemPrompt = systemPrompt;
    }

    public String answer(String question) {
        return model.chat(SystemMessage.from(systemPrompt), UserMessage.from(question)).aiMessage().text();
    }
}
