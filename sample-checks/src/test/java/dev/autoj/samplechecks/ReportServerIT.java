package dev.autoj.samplechecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample's report server and its end-of-run message, without a browser: each run as the user
 * runs it, {@code java -cp sample-project/target/test-classes dev.autoj.sample.ReportServer …}
 * ({@link Sample#reportServer}, {@link Sample#serve}).
 */
class ReportServerIT {

    @TempDir
    Path target;

    @Test
    void servesTheReportsFilesWithTheirContentTypes() throws Exception {
        Path report = report();
        Files.createDirectories(report.resolve("data"));
        Files.writeString(report.resolve("data/suites.json"), "{\"uid\":\"x\"}");
        try (Sample.ServedReport server = Sample.serve(report)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> index = http.send(HttpRequest.newBuilder(server.uri()).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> data = http.send(HttpRequest.newBuilder(server.uri().resolve("data/suites.json")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.body()).isEqualTo("<html>report</html>");
            assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(data.body()).isEqualTo("{\"uid\":\"x\"}");
            assertThat(data.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        }
    }

    @Test
    void answersNotFoundForMissingFilesAndForPathsOutsideTheReport() throws Exception {
        Path report = report();
        Files.writeString(target.resolve("site/secret.txt"), "not part of the report");
        try (Sample.ServedReport server = Sample.serve(report)) {
            assertThat(statusLine(server.uri(), "/missing.js")).contains(" 404");
            assertThat(statusLine(server.uri(), "/../secret.txt")).contains(" 404");
            assertThat(statusLine(server.uri(), "/%2e%2e/secret.txt")).contains(" 404");
        }
    }

    @Test
    void startingWithoutAReportNamesTheFolderAndHowToGenerateIt() throws Exception {
        Sample.Run run = Sample.reportServer(target, "--serve", target.toString(), "0");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("IllegalArgumentException")
                .contains(target.toAbsolutePath().toString())
                .contains("index.html is missing")
                .contains("mvn -f sample-project/pom.xml verify");
    }

    @Test
    void theEndOfRunMessageNamesEachOutputAndTheSummaryTotals() throws Exception {
        Path report = report();
        Path summary = target.resolve("autoj/summary.md");
        Files.createDirectories(summary.getParent());
        Files.writeString(summary, "## Auto-J judged tests\n\n7 tests: 7 passed, 0 failed · 7 judgments\n\n| Test | Result |\n");

        Sample.Run run = Sample.reportServer(target, "--print", report.toString(), summary.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String message = run.out();
        assertThat(message).contains("Allure results: " + target.toAbsolutePath().resolve("allure-results"))
                .contains("Allure report:  " + report.toAbsolutePath().resolve("index.html"))
                .contains("java -cp " + Sample.TEST_CLASSES + " " + Sample.REPORT_SERVER + " --serve " + report.toAbsolutePath())
                .contains("Run summary:    " + summary.toAbsolutePath())
                .contains("7 tests: 7 passed, 0 failed · 7 judgments");
    }

    @Test
    void theEndOfRunMessageSaysWhatIsMissing() throws Exception {
        Path report = target.resolve("site/allure-maven-plugin");
        Path summary = target.resolve("autoj/summary.md");

        Sample.Run run = Sample.reportServer(target, "--print", report.toString(), summary.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Allure report:  not generated").contains("Run summary:    not written");
    }

    private Path report() throws IOException {
        Path report = target.resolve("site/allure-maven-plugin");
        Files.createDirectories(report);
        Files.writeString(report.resolve("index.html"), "<html>report</html>");
        return report;
    }

    /** A raw request, so that no client normalizes the path before the server sees it. */
    private static String statusLine(URI server, String path) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return response.substring(0, response.indexOf("\r\n"));
        }
    }
}
