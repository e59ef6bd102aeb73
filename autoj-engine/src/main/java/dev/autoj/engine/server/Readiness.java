package dev.autoj.engine.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Asks a starting server whether it is ready: {@code GET /v1/models} lists the model, or {@code GET /health} is 200. */
final class Readiness {

    private static final ObjectMapper JSON = new ObjectMapper();
    // A loading server either refuses the connection at once or answers fast; a short timeout keeps polling regular.
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** What one look at the server found. */
    record Look(boolean ready, List<String> models) {
    }

    Look look(URI endpoint, String modelName) throws InterruptedException {
        List<String> models = models(endpoint);
        if (models.contains(modelName)) {
            return new Look(true, models);
        }
        return new Look(healthy(endpoint), models);
    }

    /** The model ids at {@code GET /v1/models}; empty when the server does not answer (yet) or answers otherwise. */
    private List<String> models(URI endpoint) throws InterruptedException {
        String body = get(endpoint, "/v1/models");
        if (body == null) {
            return List.of();
        }
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode model : JSON.readTree(body).path("data")) {
                if (model.path("id").isTextual()) {
                    ids.add(model.path("id").asText());
                }
            }
            return ids;
        } catch (IOException notJson) {
            return List.of();
        }
    }

    private boolean healthy(URI endpoint) throws InterruptedException {
        return get(endpoint, "/health") != null;
    }

    /** The body of a 200 answer, or null for anything else (refused, timed out, other status). */
    private String get(URI endpoint, String path) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint.resolve(path)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException notYet) {
            return null;
        }
    }
}
