package com.example.springai;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two servers a record run needs, on the ports build-helper reserved: an OpenAI-compatible chat
 * server that answers differently on every call and appends one line per call to the file in
 * {@code chat.log}, and a fake judge (a test fixture, not Auto-J) that answers autoj's remote back end
 * at {@code /v1/models} and {@code /v1/completions} with one fixed Auto-J-style critique and rating.
 */
final class LoopbackServers implements AutoCloseable {

    static final String JUDGE_OUTPUT = "FAKE JUDGE (test fixture, not Auto-J output). The response answers the"
            + " question directly and politely.\n\nRating: [[7]]";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer chat;
    private final HttpServer judge;
    private final Path chatLog;
    private final AtomicInteger calls = new AtomicInteger();

    LoopbackServers(int chatPort, int judgePort, Path chatLog) throws IOException {
        this.chatLog = chatLog;
        chat = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), chatPort), 0);
        chat.createContext("/v1/chat/completions", this::chat);
        judge = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), judgePort), 0);
        judge.createContext("/", this::judge);
        chat.start();
        judge.start();
    }

    private void chat(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            int n = calls.incrementAndGet();
            String user = "";
            for (JsonNode m : request.path("messages")) {
                if ("user".equals(m.path("role").asText())) {
                    user = m.path("content").asText();
                }
            }
            String requestHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(request.path("messages").toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
            Files.writeString(chatLog, "call " + requestHash + " " + request.path("model").asText() + " " + user + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-" + n).put("object", "chat.completion")
                    .put("created", System.currentTimeMillis() / 1000).put("model", request.path("model").asText());
            ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
            choice.putNull("logprobs");
            choice.putObject("message").put("role", "assistant").putNull("refusal")
                    .put("content", "Yes, we can help with that (answer " + UUID.randomUUID() + ").");
            body.putObject("usage").put("prompt_tokens", 40).put("completion_tokens", 12).put("total_tokens", 52);
            send(exchange, 200, body.toString());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void judge(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            exchange.getRequestBody().readAllBytes();
            if (path.equals("/v1/models")) {
                send(exchange, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"GAIR/autoj-13b\",\"object\":\"model\"}]}");
            } else if (path.equals("/v1/completions")) {
                ObjectNode body = JSON.createObjectNode().put("id", "cmpl-fake").put("object", "text_completion")
                        .put("model", "GAIR/autoj-13b");
                body.putArray("choices").addObject().put("index", 0).put("text", JUDGE_OUTPUT).put("finish_reason", "stop");
                body.putObject("usage").put("prompt_tokens", 300).put("completion_tokens", 30).put("total_tokens", 330);
                send(exchange, 200, body.toString());
            } else {
                send(exchange, 404, "{\"error\":\"not found\"}");
            }
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
        chat.stop(0);
        judge.stop(0);
    }
}
