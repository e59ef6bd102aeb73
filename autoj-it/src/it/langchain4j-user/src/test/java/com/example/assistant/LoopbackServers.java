package com.example.assistant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two servers a record run needs, started by the tests on the ports Maven reserved: an
 * OpenAI-compatible chat server that samples (a different answer on every call) and a loopback
 * judge that speaks /v1/completions. Each logs one line per call, for verify.groovy.
 */
final class LoopbackServers {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PAIR = Pattern.compile("\\[Response 1\\]: (.*?)\\n\\*\\*\\*\\n\\[Response 2\\]: (.*?)\\n\\*\\*\\*\\n\\[END DATA\\]",
            Pattern.DOTALL);
    private static boolean started;

    private LoopbackServers() {
    }

    /** Starts both servers once per JVM, in record mode only: a replay run must not need them. */
    static synchronized void startWhenRecording() throws IOException {
        if (started || !"record".equals(System.getProperty("autoj.mode"))) {
            return;
        }
        started = true;
        AtomicInteger calls = new AtomicInteger();
        HttpServer chat = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.getInteger("chat.port")), 0);
        chat.createContext("/v1/chat/completions", exchange -> {
            JsonNode body = read(exchange);
            JsonNode messages = body.path("messages");
            String system = messages.get(0).path("content").asText();
            String question = messages.get(messages.size() - 1).path("content").asText();
            log("chat.log", system.replace("\n", " / ") + " | " + question);
            int n = calls.incrementAndGet();
            // Sampling: the answer differs on every call; its length follows what the system prompt asks for.
            String answer = system.contains("sentences:")
                    ? "Your parcel (" + question + ") is at the depot. It missed the van because of a wrong address label."
                            + " You can correct the address online and it ships tomorrow. [sample " + n + ", " + System.nanoTime() + "]"
                    : "Your parcel is at the depot. [sample " + n + ", " + System.nanoTime() + "]";
            ObjectNode response = JSON.createObjectNode();
            response.put("id", "chatcmpl-" + n);
            response.put("object", "chat.completion");
            response.put("created", 1_700_000_000L);
            response.put("model", body.path("model").asText());
            ObjectNode choice = response.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", answer);
            choice.put("finish_reason", "stop");
            response.putObject("usage").put("prompt_tokens", 30).put("completion_tokens", 12).put("total_tokens", 42);
            send(exchange, response);
        });
        chat.start();

        HttpServer judge = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.getInteger("judge.port")), 0);
        judge.createContext("/v1/models", exchange -> {
            ObjectNode models = JSON.createObjectNode();
            models.putArray("data").addObject().put("id", "GAIR/autoj-13b").put("object", "model");
            send(exchange, models);
        });
        judge.createContext("/v1/completions", exchange -> {
            String prompt = read(exchange).path("prompt").asText();
            log("judge.log", Integer.toHexString(prompt.hashCode()));
            // A fixture, not Auto-J: it prefers the more detailed response and rates every single response 7.
            Matcher pair = PAIR.matcher(prompt);
            String output;
            if (pair.find()) {
                int first = pair.group(1).length();
                int second = pair.group(2).length();
                output = "Response " + (first >= second ? "1" : "2") + " gives the status, the reason and the next step.\n\n"
                        + "So, the final decision is Response " + (first >= second ? "1" : "2") + ".";
            } else {
                output = "The response answers the question directly.\n\nRating: [[7]]";
            }
            ObjectNode response = JSON.createObjectNode();
            response.put("id", "cmpl-1");
            response.put("object", "text_completion");
            response.put("model", "GAIR/autoj-13b");
            ObjectNode choice = response.putArray("choices").addObject();
            choice.put("index", 0);
            choice.put("text", output);
            choice.put("finish_reason", "stop");
            response.putObject("usage").put("prompt_tokens", 400).put("completion_tokens", 30).put("total_tokens", 430);
            send(exchange, response);
        });
        judge.start();
    }

    private static JsonNode read(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return JSON.readTree(in);
        }
    }

    private static void send(HttpExchange exchange, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static synchronized void log(String property, String line) throws IOException {
        Files.writeString(Path.of(System.getProperty(property)), line + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
