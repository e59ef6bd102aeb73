package dev.autoj.cli;

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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 (ephemeral port) speaking vLLM's {@code /v1/completions} format.
 * It answers each prompt with the text the given map holds for exactly that prompt, and an HTTP 400
 * naming the prompt otherwise; it generates nothing itself. Records every request body.
 */
final class LoopbackCompletionsServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(8);
    private final Map<String, String> answers;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile long delayMillis;
    private volatile int failEvery;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();

    LoopbackCompletionsServer(Map<String, String> answers) throws IOException {
        this.answers = answers;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(handlers);
        server.createContext("/v1/completions", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<String> bodies() {
        return List.copyOf(bodies);
    }

    /** Answers every {@code n}-th completion call with HTTP 503, as a busy vLLM does (its queue is full). */
    LoopbackCompletionsServer busyEvery(int n) {
        failEvery = n;
        return this;
    }

    /** How many completion calls were answered 503 by {@link #busyEvery}. */
    int busyAnswers() {
        return failures.get();
    }

    /** Makes every later answer take this long, like a server that is busy generating. */
    void delayEachAnswer(long millis) {
        delayMillis = millis;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int n = failEvery;
            if (n > 0 && calls.incrementAndGet() % n == 0) {
                failures.incrementAndGet();
                send(exchange, 503, "{\"error\":{\"message\":\"The server is busy; try again later.\"}}");
                return;
            }
            bodies.add(body);
            JsonNode request = JSON.readTree(body);
            String prompt = request.path("prompt").asText();
            String text = answers.get(prompt);
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (text == null) {
                ObjectNode error = JSON.createObjectNode();
                error.putObject("error").put("message", "no answer for the prompt starting "
                        + prompt.substring(0, Math.min(60, prompt.length())));
                send(exchange, 400, error.toString());
                return;
            }
            ObjectNode root = JSON.createObjectNode();
            root.put("object", "text_completion");
            root.put("model", request.path("model").asText());
            ObjectNode choice = root.putArray("choices").addObject();
            choice.put("index", 0);
            choice.put("text", text);
            choice.put("finish_reason", "stop");
            send(exchange, 200, root.toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
