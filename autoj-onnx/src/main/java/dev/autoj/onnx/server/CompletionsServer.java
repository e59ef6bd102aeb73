package dev.autoj.onnx.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.StopReason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * The HTTP side of {@code autoj serve}: the OpenAI-compatible {@code POST /v1/completions},
 * {@code GET /v1/models} and {@code GET /health} that autoj's remote back end speaks, in front of
 * one {@link Backend} (the embedded engine), on the JDK's {@link HttpServer}.
 *
 * <p>Each completion is checked ({@link CompletionRequest}: greedy, one choice, no streaming, the
 * served model id, a prompt that fits the context window) and then handed to a
 * {@link GenerationBatcher}, which decodes concurrent requests together. The answer's
 * {@code choices[0].text} is exactly the back end's {@link Generation#text()}; {@code finish_reason}
 * is {@code stop} at the end-of-sequence token and {@code length} at the budget. The embedded
 * engine also stops a degenerate repetition loop early: that is {@code length} too (the output was
 * cut, as a server without that guard would have cut it at the budget), with
 * {@code "autoj_stop_reason":"repetition"} beside it, which autoj's client reads back.
 *
 * <p>Anything refused is HTTP 400 with an OpenAI-style body
 * {@code {"error":{"message":…,"type":"invalid_request_error","param":…,"code":400}}}; a failure of
 * the engine itself is 500.
 *
 * <pre>{@code
 * try (CompletionsServer server = CompletionsServer.start(settings, backend)) {
 *     System.out.println(server.url());   // http://127.0.0.1:8000
 * }
 * }</pre>
 */
final class CompletionsServer implements AutoCloseable {

    /** Threads answering HTTP; each waits for its generation, so this bounds the requests in flight. */
    static final int HTTP_THREADS = 64;
    /** The largest request body read (an Auto-J prompt is a few tens of kB). */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    /**
     * What the server answers to and with.
     *
     * @param host the address to listen on, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port the port, 0 for any free one
     * @param modelId the id clients must send as {@code "model"} and that {@code /v1/models} lists
     * @param contextWindow the model's context window in tokens (prompt and generation together), 0 when unknown
     * @param promptTokens counts a prompt's tokens as the back end will (BOS included); null when the back end checks
     * @param maxBatch the most requests decoded together
     * @param bearerToken the token every request but {@code /health} must carry, or null for none
     */
    record Settings(String host, int port, String modelId, int contextWindow, ToIntFunction<String> promptTokens, int maxBatch,
                    String bearerToken) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final Backend backend;
    private final GenerationBatcher batcher;
    private final HttpServer http;
    private final ExecutorService executor;
    private final PrintWriter log;
    private final long created = System.currentTimeMillis() / 1000;
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean stopped;

    private CompletionsServer(Settings settings, Backend backend, PrintWriter log) throws IOException {
        this.settings = settings;
        this.backend = backend;
        this.log = log;
        this.batcher = new GenerationBatcher(backend, settings.maxBatch());
        this.http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 128);
        this.executor = Executors.newFixedThreadPool(HTTP_THREADS, r -> {
            Thread t = new Thread(r, "autoj-serve-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /**
     * Listens on {@code settings.host():settings.port()} and answers until {@link #close()}.
     * {@code log} gets one line per engine failure (a refused request is only the client's answer).
     *
     * @throws IOException when the address cannot be bound (port in use, unknown host)
     */
    static CompletionsServer start(Settings settings, Backend backend, PrintWriter log) throws IOException {
        CompletionsServer server = new CompletionsServer(settings, backend, log);
        server.http.start();
        return server;
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8000} (a wildcard host shown as 127.0.0.1). */
    URI url() {
        InetSocketAddress address = http.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + address.getPort());
    }

    /** The queue in front of the engine, with its counts: batches run, completions answered or failed, requests waiting. */
    GenerationBatcher batcher() {
        return batcher;
    }

    /**
     * Stops listening, fails completions still waiting, lets the running batch finish (up to
     * {@link GenerationBatcher#CLOSE_GRACE}) and closes the back end. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        http.stop(0);
        boolean idle = batcher.stop();
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (idle) {
            backend.close();
        } else {
            log.println("autoj serve: a batch was still running " + GenerationBatcher.CLOSE_GRACE.toSeconds()
                    + " s after the stop; the engine is left to the process exit");
            log.flush();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/health")) {
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    send(exchange, 405, error("use GET /health", null, "invalid_request_error", 405));
                } else {
                    send(exchange, 200, JSON.createObjectNode().put("status", "ok"));
                }
                return;
            }
            if (!authorized(exchange)) {
                send(exchange, 401, error("this server wants \"Authorization: Bearer <token>\" with the token it was started"
                        + " with (autoj serve --token-env); the client names the variable holding it with --token-env or"
                        + " autoj.token-env", null, "authentication_error", 401));
                return;
            }
            switch (path) {
                case "/v1/models" -> {
                    if (!method.equals("GET")) {
                        send(exchange, 405, error("use GET /v1/models", null, "invalid_request_error", 405));
                    } else {
                        send(exchange, 200, models());
                    }
                }
                case "/v1/completions" -> {
                    if (!method.equals("POST")) {
                        send(exchange, 405, error("use POST /v1/completions with a JSON body", null, "invalid_request_error", 405));
                    } else {
                        complete(exchange);
                    }
                }
                default -> send(exchange, 404, error("autoj serve answers POST /v1/completions, GET /v1/models and GET /health;"
                        + " not " + method + " " + path + (path.endsWith("/chat/completions")
                        ? " (Auto-J's prompts are already formatted: send them to /v1/completions)" : ""),
                        null, "not_found_error", 404));
            }
        } catch (IOException e) {
            // The client went away; nothing to answer.
        } catch (RuntimeException e) {
            log.println("autoj serve: unexpected failure answering " + exchange.getRequestURI() + ": " + e);
            log.flush();
        }
    }

    private boolean authorized(HttpExchange exchange) {
        if (settings.bearerToken() == null) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String expected = "Bearer " + settings.bearerToken();
        return header != null && MessageDigest.isEqual(header.strip().getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode models() {
        ObjectNode body = JSON.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        ObjectNode model = data.addObject().put("id", settings.modelId()).put("object", "model").put("created", created)
                .put("owned_by", "autoj");
        if (settings.contextWindow() > 0) {
            model.put("max_model_len", settings.contextWindow());
        }
        return body;
    }

    private void complete(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            send(exchange, 413, error("the request body is larger than " + MAX_BODY_BYTES + " bytes", null, "invalid_request_error", 413));
            return;
        }
        CompletionRequest request;
        try {
            JsonNode body;
            try {
                body = JSON.readTree(bytes);
            } catch (JsonProcessingException e) {
                throw new CompletionRequest.Refusal(null, "the request body is not valid JSON: " + e.getOriginalMessage());
            }
            request = CompletionRequest.parse(body, settings.modelId());
            checkLength(request);
        } catch (CompletionRequest.Refusal refusal) {
            send(exchange, 400, error(refusal.getMessage(), refusal.param(), "invalid_request_error", 400));
            return;
        }
        Generation generation;
        try {
            generation = batcher.submit(new GenerationRequest(request.prompt(), request.maxTokens())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(exchange, 503, error("the server is stopping", null, "server_error", 503));
            return;
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String message = String.valueOf(cause.getMessage());
            if (message.contains("context window")) {
                // The back end's own length check (when the server cannot count tokens before): the request's fault.
                send(exchange, 400, error(message, "prompt", "invalid_request_error", 400));
            } else {
                log.println("autoj serve: the engine failed on a completion: " + message.replace("\n", " "));
                log.flush();
                send(exchange, stopped ? 503 : 500, error("the embedded engine failed: " + message, null, "server_error",
                        stopped ? 503 : 500));
            }
            return;
        }
        if (generation.isRejected()) {
            send(exchange, 400, error(generation.rejection(), "prompt", "invalid_request_error", 400));
            return;
        }
        send(exchange, 200, completion(generation));
    }

    /** Refuses a prompt that cannot fit the context window with its budget, before it takes a place in a batch. */
    private void checkLength(CompletionRequest request) throws CompletionRequest.Refusal {
        if (settings.promptTokens() == null) {
            return;
        }
        int tokens = settings.promptTokens().applyAsInt(request.prompt());
        long total = (long) tokens + request.maxTokens();
        if (total > settings.contextWindow()) {
            throw new CompletionRequest.Refusal("prompt", "This model's maximum context length is " + settings.contextWindow()
                    + " tokens. However, you requested " + total + " tokens (" + tokens + " in the prompt, " + request.maxTokens()
                    + " in max_tokens): the prompt is longer than the context window leaves room for; shorten it or lower"
                    + " max_tokens");
        }
    }

    private ObjectNode completion(Generation g) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "cmpl-autoj-" + ids.incrementAndGet());
        body.put("object", "text_completion");
        body.put("created", System.currentTimeMillis() / 1000);
        body.put("model", settings.modelId());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("text", g.text());
        choice.putNull("logprobs");
        choice.put("finish_reason", g.stopReason() == StopReason.EOS ? "stop" : "length");
        if (g.stopReason() == StopReason.REPETITION) {
            choice.put("autoj_stop_reason", "repetition");
        }
        ObjectNode usage = body.putObject("usage");
        int prompt = Math.max(0, g.promptTokens());
        int generated = Math.max(0, g.generatedTokens());
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", generated);
        usage.put("total_tokens", prompt + generated);
        return body;
    }

    private static ObjectNode error(String message, String param, String type, int code) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        error.put("code", code);
        return body;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
