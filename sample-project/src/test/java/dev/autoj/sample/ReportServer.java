package dev.autoj.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Serves a generated Allure report on 127.0.0.1, because the Allure 2 HTML report loads its data
 * with requests that a browser refuses for {@code file://} pages (it stays on "Loading").
 *
 * <pre>
 * try (ReportServer server = ReportServer.start(Path.of("target/site/allure-maven-plugin"), 0)) {
 *     driver.get(server.uri().resolve("index.html").toString());
 * }
 * </pre>
 *
 * Its {@code main} also prints where a sample run left its outputs (the last step of
 * {@code mvn verify}) and serves the report until Ctrl-C ({@code --serve}; needs only the JDK).
 */
public final class ReportServer implements AutoCloseable {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"));

    private final HttpServer server;
    private final Path root;

    private ReportServer(HttpServer server, Path root) {
        this.server = server;
        this.root = root;
    }

    /** Serves {@code reportDir} on 127.0.0.1 at {@code port}, or at a free port when it is 0. */
    public static ReportServer start(Path reportDir, int port) {
        Path root = reportDir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("index.html"))) {
            throw new IllegalArgumentException("No Allure report in " + root + " (index.html is missing); generate it with"
                    + " mvn -f sample-project/pom.xml verify");
        }
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            ReportServer server = new ReportServer(http, root);
            http.createContext("/", server::answer);
            http.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve the report on 127.0.0.1:" + port + ": " + e.getMessage()
                    + (port == 0 ? "" : "; pick another port"), e);
        }
    }

    /** The report's base address, ending in {@code /}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Path file = root.resolve(path.substring(1)).normalize();
            if (Files.isDirectory(file)) {
                file = file.resolve("index.html");
            }
            if (!"GET".equals(exchange.getRequestMethod()) || !file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String name = file.getFileName().toString();
            String extension = name.substring(name.lastIndexOf('.') + 1);
            exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"));
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream body = exchange.getResponseBody()) {
                Files.copy(file, body);
            }
        }
    }

    /**
     * {@code --print REPORT_DIR SUMMARY_MD}: says where the outputs are; {@code --serve REPORT_DIR [PORT]}:
     * serves the report until the process is stopped.
     */
    public static void main(String[] args) throws InterruptedException {
        List<String> arguments = List.of(args);
        if (arguments.size() == 3 && arguments.get(0).equals("--print")) {
            System.out.print(locations(Path.of(arguments.get(1)), Path.of(arguments.get(2))));
        } else if ((arguments.size() == 2 || arguments.size() == 3) && arguments.get(0).equals("--serve")) {
            int port = arguments.size() == 3 ? port(arguments.get(2)) : 0;
            ReportServer server = start(Path.of(arguments.get(1)), port);
            System.out.println("Allure report: " + server.uri() + "index.html  (Ctrl-C stops the server)");
            new CountDownLatch(1).await();
        } else {
            System.err.println("Usage: ReportServer --print REPORT_DIR SUMMARY_MD | --serve REPORT_DIR [PORT]");
            System.exit(2);
        }
    }

    private static int port(String text) {
        String problem = "PORT must be a whole number 0-65535 (0: any free port), got \"" + text + "\"";
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(problem, e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(problem);
        }
        return port;
    }

    /** The lines printed at the end of a sample run. */
    static String locations(Path reportDir, Path summary) {
        Path report = reportDir.toAbsolutePath().normalize();
        Path results = report.getParent().getParent().resolve("allure-results");
        StringBuilder out = new StringBuilder("\nautoj sample run\n");
        out.append("  Allure results: ").append(results).append('\n');
        if (Files.isRegularFile(report.resolve("index.html"))) {
            out.append("  Allure report:  ").append(report.resolve("index.html")).append('\n');
            out.append("                  view it over HTTP (a file:// page stays on \"Loading\"):\n")
                    .append("                  java -cp ").append(classes()).append(' ').append(ReportServer.class.getName())
                    .append(" --serve ").append(report).append(" 8080\n");
        } else {
            out.append("  Allure report:  not generated (no ").append(report.resolve("index.html")).append(")\n");
        }
        Path md = summary.toAbsolutePath().normalize();
        if (Files.isRegularFile(md)) {
            out.append("  Run summary:    ").append(md).append('\n');
            totals(md).ifPresent(line -> out.append("                  ").append(line).append('\n'));
        } else {
            out.append("  Run summary:    not written (no ").append(md).append("; did the @AutoJ tests run?)\n");
        }
        return out.toString();
    }

    /** Where this class was loaded from, so that the printed command runs without Maven. */
    private static String classes() {
        try {
            return Path.of(ReportServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the class folder of " + ReportServer.class.getName(), e);
        }
    }

    private static Optional<String> totals(Path summary) {
        try {
            return Files.readAllLines(summary, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).findFirst();
        } catch (IOException e) {
            return Optional.of("(cannot read it: " + e.getMessage() + ")");
        }
    }
}
