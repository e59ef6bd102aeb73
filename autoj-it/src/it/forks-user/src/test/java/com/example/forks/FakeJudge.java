package com.example.forks;

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

/**
 * TEST FIXTURE, not a judge: an OpenAI-compatible loopback server that answers every completion with
 * a fixed text (rating 8). Appends one line per start to --starts and the SHA-256 of each completion
 * request to --prompts, so the build can check how often it started and what it was asked.
 */
public final class FakeJudge {

    private static final String COMPLETION = "FAKE JUDGE (test fixture, not Auto-J output). Rating: [[8]]";

    public static void main(String[] args) throws Exception {
        int port = 0;
        Path starts = null;
        Path prompts = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--starts" -> starts = Path.of(args[++i]);
                case "--prompts" -> prompts = Path.of(args[++i]);
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        append(starts, "started pid " + ProcessHandle.current().pid());
        Path log = prompts;
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        http.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                byte[] request = exchange.getRequestBody().readAllBytes();
                String body;
                if (path.equals("/v1/models")) {
                    body = "{\"object\":\"list\",\"data\":[{\"id\":\"GAIR/autoj-13b\",\"object\":\"model\"}]}";
                } else if (path.equals("/v1/completions")) {
                    append(log, sha256(request));
                    body = "{\"id\":\"fake\",\"object\":\"text_completion\",\"model\":\"GAIR/autoj-13b\",\"choices\":[{\"index\":0,"
                            + "\"text\":\"" + COMPLETION + "\",\"finish_reason\":\"stop\"}],"
                            + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":20,\"total_tokens\":30}}";
                } else {
                    body = "{}";
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        http.start();
        System.out.println("fake judge listening on " + port);
    }

    private static synchronized void append(Path file, String line) throws IOException {
        if (file != null) {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
