package dev.autoj.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 (ephemeral port) speaking vLLM's {@code /v1/completions}
 * format, answering each request as a function says; it records every request body. Shared
 * through the engine's test-jar by the servers that answer from published outputs (the golden set,
 * the testbed, a map of prompts): they decide what to answer, this does the HTTP.
 *
 * <pre>{@code
 * try (LoopbackCompletions server = LoopbackCompletions.start(request -> Answer.text("Rating: [[7]]"))) {
 *     RemoteConfig.builder().endpoints(server.url());
 * }
 * }</pre>
 */
public final class LoopbackCompletions implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one request is answered with: an HTTP status and a JSON body. */
    public record Answer(int status, String json) {

        /** A completion whose one choice is {@code text}, finished by {@code stop}. */
        public static Answer text(String text) {
            ObjectNode root = JSON.createObjectNode();
            root.put("object", "text_completion");
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", 0);
            choice.put("text", text);
            choice.put("finish_reason", "stop");
            return new Answer(200, root.toString());
        }

        /** An OpenAI-style error body with {@code message}. */
        public static Answer error(int status, String message) {
            ObjectNode root = JSON.createObjectNode();
            root.putObject("error").put("message", message);
            return new Answer(status, root.toString());
        }
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(8);
    private final Function<String, Answer> answer;
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    private LoopbackCompletions(Function<String, Answer> answer) throws IOException {
        this.answer = answer;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(handlers);
        server.createContext("/v1/completions", this::handle);
        server.start();
    }

    /** Starts a server that answers each request body (the raw JSON) as {@code answer} says. */
    public static LoopbackCompletions start(Function<String, Answer> answer) throws IOException {
        return new LoopbackCompletions(answer);
    }

    /** The request's JSON, for an answer function: {@code JSON.readTree} without the checked exception. */
    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every request body so far, in order of arrival. */
    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            Answer reply = answer.apply(body);
            if (reply == null) {
                return;
            }
            byte[] bytes = reply.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
