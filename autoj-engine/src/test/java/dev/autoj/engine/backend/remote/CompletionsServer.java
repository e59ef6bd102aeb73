package dev.autoj.engine.backend.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 (ephemeral port) that answers like vLLM's OpenAI completions
 * API, following a script: request n gets the n-th reply, the last reply repeats.
 *
 * <p>{@code GET /v1/models} is answered apart from the script and not counted in {@link #requests()}:
 * with the list given to {@link #serving}, or 404 (a server without a model list) by default.
 */
final class CompletionsServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as the server received it. */
    record Recorded(String method, String path, String contentType, String authorization, String body) {
    }

    /** What to answer, after an optional delay. */
    record Reply(int status, String body, Map<String, String> headers, Duration delay) {
        Reply after(Duration wait) {
            return new Reply(status, body, headers, wait);
        }
    }

    @FunctionalInterface
    interface Script {
        Reply reply(Recorded request);
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(32);
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Script> script;
    private final AtomicInteger modelRequests = new AtomicInteger();
    private volatile List<String> models;

    private CompletionsServer(int port, List<Script> script) throws IOException {
        this.script = script;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    static CompletionsServer start(Script... script) throws IOException {
        return new CompletionsServer(0, List.of(script));
    }

    /** A server on the port of {@code endpoint}, e.g. one that refused connections until now. */
    static CompletionsServer startOn(URI endpoint, Script... script) throws IOException {
        return new CompletionsServer(endpoint.getPort(), List.of(script));
    }

    static CompletionsServer replying(Reply... replies) throws IOException {
        Script[] script = new Script[replies.length];
        for (int i = 0; i < replies.length; i++) {
            Reply reply = replies[i];
            script[i] = request -> reply;
        }
        return start(script);
    }

    /** A loopback URL on which nothing listens: a port that was just bound and released. */
    static URI refusingEndpoint() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    static Reply completion(String text, String finishReason, int promptTokens, int completionTokens) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "cmpl-test");
        root.put("object", "text_completion");
        root.put("created", 1_700_000_000);
        root.put("model", "GAIR/autoj-13b");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("text", text);
        choice.putNull("logprobs");
        if (finishReason != null) {
            choice.put("finish_reason", finishReason);
        }
        choice.putNull("stop_reason");
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        usage.put("completion_tokens", completionTokens);
        return json(200, root.toString());
    }

    static Reply json(int status, String body) {
        return new Reply(status, body, Map.of("Content-Type", "application/json"), Duration.ZERO);
    }

    static Reply json(int status, String body, Map<String, String> headers) {
        return new Reply(status, body, headers, Duration.ZERO);
    }

    /** Lists these models at {@code GET /v1/models}. */
    CompletionsServer serving(String... modelIds) {
        models = List.of(modelIds);
        return this;
    }

    int modelRequests() {
        return modelRequests.get();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Recorded> requests() {
        return List.copyOf(requests);
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (exchange.getRequestMethod().equals("GET") && exchange.getRequestURI().getPath().equals("/v1/models")) {
            modelRequests.incrementAndGet();
            try (exchange) {
                List<String> served = models;
                if (served == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                ObjectNode root = JSON.createObjectNode();
                root.put("object", "list");
                com.fasterxml.jackson.databind.node.ArrayNode data = root.putArray("data");
                served.forEach(id -> data.addObject().put("id", id).put("object", "model"));
                byte[] bytes = root.toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            return;
        }
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        boolean counted = true;
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Recorded request = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body);
            int index = received.getAndIncrement();
            requests.add(request);
            Reply reply = script.get(Math.min(index, script.size() - 1)).reply(request);
            if (!reply.delay().isZero() && closing.await(reply.delay().toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            // No longer in flight once the answer leaves: the client may send its next request as soon as it has
            // read this one, before this thread gets to a finally block (counted 4 in flight for a limit of 3).
            inFlight.decrementAndGet();
            counted = false;
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client gave up (timeout) and closed the connection: expected in timeout tests.
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
