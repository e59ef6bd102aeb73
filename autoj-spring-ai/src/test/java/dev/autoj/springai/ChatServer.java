package dev.autoj.springai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback OpenAI-compatible chat-completions server: answers differently on every call
 * ({@code answer #N to: <last user text>}), counts the calls and keeps the request bodies. With
 * {@link #failing()} it answers every call with HTTP 500.
 */
final class ChatServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile boolean failing;

    ChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", this::complete);
        server.start();
    }

    ChatServer failing() {
        failing = true;
        return this;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    int calls() {
        return calls.get();
    }

    List<JsonNode> requests() {
        return requests;
    }

    private void complete(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            requests.add(request);
            int n = calls.incrementAndGet();
            if (failing) {
                send(exchange, 500, "{\"error\":{\"message\":\"the loopback model is down\",\"type\":\"server_error\"}}");
                return;
            }
            String lastUser = "";
            for (JsonNode m : request.path("messages")) {
                if ("user".equals(m.path("role").asText())) {
                    lastUser = m.path("content").isTextual() ? m.path("content").asText() : m.path("content").toString();
                }
            }
            ObjectNode body = JSON.createObjectNode()
                    .put("id", "chatcmpl-" + n)
                    .put("object", "chat.completion")
                    .put("created", 1_700_000_000L + n)
                    .put("model", request.path("model").asText("unknown"));
            ObjectNode choice = body.putArray("choices").addObject();
            choice.put("index", 0).put("finish_reason", "stop").putNull("logprobs");
            choice.putObject("message").put("role", "assistant").put("content", "answer #" + n + " to: " + lastUser).putNull("refusal");
            body.putObject("usage").put("prompt_tokens", 11 + n).put("completion_tokens", 7).put("total_tokens", 18 + n);
            send(exchange, 200, body.toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
