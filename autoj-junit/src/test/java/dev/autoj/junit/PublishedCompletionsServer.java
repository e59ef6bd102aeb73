package dev.autoj.junit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.autoj.assertions.fixtures.Testbed;
import dev.autoj.engine.Language;
import dev.autoj.engine.protocol.PromptBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A completions server on 127.0.0.1 that speaks the vLLM {@code /v1/completions} format and
 * answers a single-response prompt of the Auto-J testbed with Auto-J-13B's published output for
 * exactly that prompt. Any other prompt gets HTTP 400: it invents nothing.
 */
final class PublishedCompletionsServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, String> outputs = new HashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    PublishedCompletionsServer() throws IOException {
        for (Testbed.SingleItem item : Testbed.singles()) {
            outputs.put(PromptBuilder.single(Language.EN, item.query(), item.response()).text(), item.publishedOutput());
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/completions", this::complete);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    private void complete(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String prompt = JSON.readTree(exchange.getRequestBody()).path("prompt").asText();
        String output = outputs.get(prompt);
        if (output == null) {
            send(exchange, 400, Map.of("error", Map.of("message", "no published Auto-J output for this prompt")));
            return;
        }
        send(exchange, 200, Map.of("choices", List.of(Map.of("index", 0, "text", output, "finish_reason", "stop"))));
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
