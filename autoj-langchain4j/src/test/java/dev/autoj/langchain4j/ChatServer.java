package dev.autoj.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback OpenAI-compatible {@code /v1/chat/completions} server whose answer differs on every
 * call (a sampling model), keeping the request bodies it received.
 */
final class ChatServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    ChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                JsonNode body = JSON.readTree(in);
                requests.add(body);
                int n = calls.incrementAndGet();
                JsonNode messages = body.path("messages");
                String last = messages.get(messages.size() - 1).path("content").asText();
                ObjectNode response = JSON.createObjectNode();
                response.put("id", "chatcmpl-" + n);
                response.put("object", "chat.completion");
                response.put("created", 1_700_000_000L + n);
                response.put("model", body.path("model").asText());
                ObjectNode choice = response.putArray("choices").addObject();
                choice.put("index", 0);
                ObjectNode message = choice.putObject("message");
                message.put("role", "assistant");
                message.put("content", "Answer #" + n + " (sampled at " + System.nanoTime() + ") to: " + last);
                choice.put("finish_reason", "stop");
                ObjectNode usage = response.putObject("usage");
                usage.put("prompt_tokens", 20 + n);
                usage.put("completion_tokens", 7);
                usage.put("total_tokens", 27 + n);
                byte[] bytes = JSON.writeValueAsBytes(response);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    int calls() {
        return calls.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
