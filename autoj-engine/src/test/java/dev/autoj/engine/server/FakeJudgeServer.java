package dev.autoj.engine.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST FIXTURE, not a judge: a tiny OpenAI-compatible server on loopback that answers
 * {@code /v1/models}, {@code /health} and {@code /v1/completions} with one fixed completion
 * ({@link #COMPLETION}, which says it is fake). It stands in for {@code vllm serve} so the managed
 * server can be tested through the same code path, run as its own process:
 *
 * <pre>{@code
 * java -cp <test class path> dev.autoj.engine.server.FakeJudgeServer --port {port} [--model NAME]
 *      [--starts FILE] [--child] [--exit CODE] [--crash-on TEXT CODE]
 * }</pre>
 *
 * {@code --starts FILE} appends one line per start (to count starts across a run); {@code --child}
 * starts a second, idle JVM as its child (to check the whole tree is stopped) and prints both pids;
 * {@code --exit CODE} prints 50 numbered log lines and exits with CODE at once, serving nothing;
 * {@code --crash-on TEXT CODE} serves until a completion's prompt contains TEXT, then prints a fake CUDA
 * error and halts with CODE without answering it (a server dying with a request in flight).
 * Every request is printed to stdout, i.e. to the managed server's log.
 */
public final class FakeJudgeServer implements AutoCloseable {

    /** The fixed completion: it parses as a rating of 8 and as "Response 1" wins, and says what it is. */
    public static final String COMPLETION = "FAKE JUDGE SERVER (test fixture, not Auto-J output). Rating: [[8]]\n\n"
            + "So, the final decision is Response 1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final String model;
    private final AtomicInteger completions = new AtomicInteger();
    private final String crashOn;
    private final int crashCode;

    private FakeJudgeServer(int port, String model) throws IOException {
        this(port, model, null, 0);
    }

    private FakeJudgeServer(int port, String model, String crashOn, int crashCode) throws IOException {
        this.model = model;
        this.crashOn = crashOn;
        this.crashCode = crashCode;
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        http.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-judge-server");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/", this::handle);
        http.start();
    }

    /** In this JVM, on an ephemeral loopback port: a developer's already-running server. */
    public static FakeJudgeServer start(String model) throws IOException {
        return new FakeJudgeServer(0, model);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    /** How many completions it has answered. */
    public int completions() {
        return completions.get();
    }

    /** The command that runs it as its own process, with {@code {port}} for the managed server to fill. */
    public static String command(String... extraArguments) {
        List<String> arguments = new ArrayList<>(List.of(javaBinary(), "-cp", System.getProperty("java.class.path"),
                FakeJudgeServer.class.getName(), "--port", ServerConfig.PORT_PLACEHOLDER));
        arguments.addAll(List.of(extraArguments));
        return CommandSplitter.display(arguments);
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() {
        http.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] request = exchange.getRequestBody().readAllBytes();
            System.out.println("fake judge server: " + exchange.getRequestMethod() + " " + path);
            String body;
            int status = 200;
            if (path.equals("/health")) {
                body = "";
            } else if (path.equals("/v1/models")) {
                body = JSON.writeValueAsString(Map.of("object", "list", "data", List.of(Map.of("id", model, "object", "model"))));
            } else if (path.equals("/v1/completions") && exchange.getRequestMethod().equals("POST")) {
                completions.incrementAndGet();
                if (crashOn != null && JSON.readTree(request).path("prompt").asText().contains(crashOn)) {
                    System.out.println("fake judge server: CUDA error: out of memory (test fixture, crashing on purpose)");
                    System.out.flush();
                    Runtime.getRuntime().halt(crashCode);
                }
                String asked = JSON.readTree(request).path("model").asText();
                body = JSON.writeValueAsString(Map.of("id", "fake", "object", "text_completion", "model", asked,
                        "choices", List.of(Map.of("index", 0, "text", COMPLETION, "finish_reason", "stop")),
                        "usage", Map.of("prompt_tokens", 10, "completion_tokens", 20, "total_tokens", 30)));
            } else {
                status = 404;
                body = "{\"error\":\"not found\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Integer port = null;
        String model = "GAIR/autoj-13b";
        Path starts = null;
        boolean child = false;
        Integer exit = null;
        String crashOn = null;
        int crashCode = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--model" -> model = args[++i];
                case "--starts" -> starts = Path.of(args[++i]);
                case "--child" -> child = true;
                case "--exit" -> exit = Integer.parseInt(args[++i]);
                case "--crash-on" -> {
                    crashOn = args[++i];
                    crashCode = Integer.parseInt(args[++i]);
                }
                case "--idle" -> {
                    Thread.sleep(Long.MAX_VALUE);
                    return;
                }
                default -> throw new IllegalArgumentException("FakeJudgeServer: unknown argument " + args[i]);
            }
        }
        if (exit != null) {
            for (int line = 0; line < 50; line++) {
                System.out.println("fake judge server log line " + line);
            }
            System.out.flush();
            System.exit(exit);
        }
        if (starts != null) {
            Files.writeString(starts, "started pid " + ProcessHandle.current().pid() + System.lineSeparator(),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        if (child) {
            Process idle = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                    FakeJudgeServer.class.getName(), "--idle").inheritIO().start();
            System.out.println("fake judge server child pid=" + idle.pid());
        }
        System.out.println("fake judge server pid=" + ProcessHandle.current().pid() + " serving " + model + " on port " + port);
        new FakeJudgeServer(port, model, crashOn, crashCode);
        Thread.sleep(Long.MAX_VALUE);
    }
}
