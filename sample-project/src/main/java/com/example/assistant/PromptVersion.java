package com.example.assistant;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The assistant's system prompt: the one in production and the one under review. */
public enum PromptVersion {

    /** In production: {@code prompts/assistant-v1.txt}. */
    CURRENT("prompts/assistant-v1.txt"),
    /** Under review: {@code prompts/assistant-v2.txt}. */
    NEXT("prompts/assistant-v2.txt");

    private final String resource;

    PromptVersion(String resource) {
        this.resource = resource;
    }

    /** The class-path resource that holds this version. */
    public String resource() {
        return resource;
    }

    /** The system prompt: the resource's text without its leading and trailing blank space. */
    public String systemPrompt() {
        try (InputStream in = PromptVersion.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The prompt " + resource + " is not on the class path (src/main/resources/" + resource + ")");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the prompt " + resource + ": " + e.getMessage(), e);
        }
    }
}
