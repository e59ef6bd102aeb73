package com.example.assistant;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * The chat model the assistant runs on: an OpenAI-compatible endpoint through LangChain4j's
 * {@link OpenAiChatModel}. Building it opens no connection; only a call does.
 *
 * <p>The model name and the temperature are part of every request (and so of the key its recorded
 * answer is stored under); the endpoint and the API key are not:
 * <ul>
 * <li>{@code -Dassistant.model} (default {@value #MODEL_NAME}),</li>
 * <li>{@code -Dassistant.base-url} or {@code ASSISTANT_BASE_URL} (default {@value #BASE_URL}; any
 *     OpenAI-compatible server, e.g. vLLM or Ollama at {@code http://localhost:11434/v1}),</li>
 * <li>{@code OPENAI_API_KEY} (or {@code -Dassistant.api-key}).</li>
 * </ul>
 */
public final class AssistantModel {

    /** The model the assistant asks for unless {@code -Dassistant.model} says otherwise. */
    public static final String MODEL_NAME = "gpt-4o-mini";
    /** The sampling temperature of every request. */
    public static final double TEMPERATURE = 0.7;
    /** OpenAI's endpoint, unless {@code -Dassistant.base-url} or {@code ASSISTANT_BASE_URL} names another. */
    public static final String BASE_URL = "https://api.openai.com/v1";

    private AssistantModel() {
    }

    /** The configured model (see the class comment); a missing API key fails at the first call, not here. */
    public static ChatModel openAi() {
        return OpenAiChatModel.builder()
                .baseUrl(setting("assistant.base-url", "ASSISTANT_BASE_URL", BASE_URL))
                .apiKey(setting("assistant.api-key", "OPENAI_API_KEY", "no OPENAI_API_KEY set"))
                .modelName(System.getProperty("assistant.model", MODEL_NAME))
                .temperature(TEMPERATURE)
                .build();
    }

    private static String setting(String property, String environment, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environment);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
