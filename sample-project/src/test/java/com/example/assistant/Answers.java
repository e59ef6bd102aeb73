package com.example.assistant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The answers the assistant gave with the current prompt and with the new one, per task, as
 * recorded in {@code src/test/resources/answers.json}.
 */
final class Answers {

    private static final String FILE = "answers.json";

    private Answers() {
    }

    /** The task with this id; fails naming the ids there are when it is not in the file. */
    static Task task(String id) {
        JsonNode tasks = read().path("tasks");
        List<String> ids = new ArrayList<>();
        for (JsonNode task : tasks) {
            if (id.equals(task.path("id").asText())) {
                return new Task(id, text(task, "query"), text(task, "current_answer"), text(task, "new_answer"));
            }
            ids.add(task.path("id").asText());
        }
        throw new IllegalArgumentException("No task \"" + id + "\" in " + FILE + "; it has " + ids);
    }

    private static JsonNode read() {
        try (InputStream in = Answers.class.getClassLoader().getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalStateException(FILE + " is not on the test class path (src/test/resources/" + FILE + ")");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + FILE + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode task, String field) {
        JsonNode value = task.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalStateException(FILE + ": task " + task.path("id") + " has no text field \"" + field + "\"");
        }
        return value.asText();
    }

    /** One user query and the two prompts' answers to it. */
    record Task(String id, String query, String currentAnswer, String newAnswer) {
    }
}
