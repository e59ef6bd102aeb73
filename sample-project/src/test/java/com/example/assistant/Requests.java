package com.example.assistant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.Scenario;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The user requests the tests put to the assistant, read from a JSON Lines file on the test class
 * path: one {@code {"id", "scenario", "query"}} object a line. Only requests: the answers come from
 * the assistant's (recorded) model.
 */
final class Requests {

    /** The single-request tests' requests. */
    static final String TASKS = "requests.jsonl";
    /** The set-level test's requests. */
    static final String CODE_SET = "cases/code-requests.jsonl";

    private Requests() {
    }

    /** The request with this id in {@value #TASKS}; fails naming the ids there are when it is not there. */
    static Request byId(String id) {
        List<Request> all = read(TASKS);
        return all.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "No request \"" + id + "\" in " + TASKS + "; it has " + all.stream().map(Request::id).toList()));
    }

    /** Every request in {@code resource}, in file order. */
    static List<Request> read(String resource) {
        try (InputStream in = Requests.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path (src/test/resources/" + resource + ")");
            }
            List<Request> requests = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    JsonNode r = json.readTree(line);
                    requests.add(new Request(r.path("id").asText(), Scenario.byName(r.path("scenario").asText()), r.path("query").asText()));
                }
            }
            return requests;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    /** One user request: its id, the scenario Auto-J judges it in, and the text. */
    record Request(String id, Scenario scenario, String query) {
    }
}
