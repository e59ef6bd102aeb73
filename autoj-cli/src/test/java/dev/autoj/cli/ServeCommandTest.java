package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.server.ServerConfig;
import dev.autoj.onnx.TinyLlama;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autoj serve} as a command in its own process on a tiny random checkpoint with LLaMA-2's
 * tokenizer: started by hand (one ready line with the URL, SIGTERM stops it cleanly) and as a
 * managed server ({@code judge --server-command "… serve … --port {port}"}), judged through
 * {@code judge --endpoint} with the same raw outputs as {@code judge --backend onnx}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ServeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "tiny-autoj";
    private static final Pattern READY = Pattern.compile("^autoj serve: (http://127\\.0\\.0\\.1:\\d+) serves \"" + MODEL + "\" \\(onnx on cpu, fp32,"
            + " context window 1024 tokens, batches of up to 8\\); POST /v1/completions, GET /v1/models, GET /health; Ctrl-C stops it$");

    @TempDir
    static Path dir;

    static TinyLlama model;
    static Path requests;
    static List<JsonNode> embedded;

    /** The judgments of {@code judge --backend onnx}: what every served judgment must equal. */
    @BeforeAll
    static void judgeWithTheEmbeddedEngine() throws IOException {
        model = TinyLlama.withLlama2Tokenizer(dir.resolve(MODEL));
        requests = Files.writeString(dir.resolve("requests.jsonl"),
                "{\"protocol\":\"single\",\"query\":\"What is 2 + 2?\",\"response\":\"It is 4.\",\"scenario\":\"math_reasoning\"}\n"
                        + "{\"protocol\":\"pairwise\",\"query\":\"Capital of France?\",\"response_1\":\"Paris\",\"response_2\":\"Lyon\","
                        + "\"scenario\":\"open_question\"}\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("embedded.jsonl");
        CliRun run = CliRun.of("judge", "--in", requests.toString(), "--out", out.toString(), "--backend", "onnx", "--conformance", "off",
                "--model", model.dir.toString(), "--model-name", MODEL, "--device", "cpu", "--cache-dir", dir.resolve("cache").toString(),
                "--max-new-tokens", "12");
        assertThat(run.exitCode()).as(run.err()).isZero();
        embedded = lines(out);
        assertThat(embedded).hasSize(2);
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static List<String> serveCommand(String port) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--model", model.dir.toString(), "--device", "cpu",
                "--cache-dir", dir.resolve("cache").toString(), "--port", port);
    }

    private static void assertSameJudgments(List<JsonNode> served) {
        assertThat(served).hasSize(embedded.size());
        for (int i = 0; i < served.size(); i++) {
            assertThat(served.get(i).path("raw").asText()).as("raw output of request %d", i).isNotEmpty()
                    .isEqualTo(embedded.get(i).path("raw").asText());
            assertThat(served.get(i).path("no_verdict")).as("no-verdict reason of request %d", i).isEqualTo(embedded.get(i).path("no_verdict"));
            assertThat(served.get(i).path("source").asText()).isEqualTo("live:remote");
        }
    }

    @Test
    void startedByHandItPrintsOneReadyLineServesTheJudgeAndStopsCleanlyOnSigterm() throws Exception {
        Process serve = new ProcessBuilder(serveCommand("0")).redirectError(dir.resolve("serve.err").toFile()).start();
        try {
            List<String> printed = new CopyOnWriteArrayList<>();
            CompletableFuture<String> firstLine = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader stdout = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
                        printed.add(line);
                        firstLine.complete(line);
                    }
                } catch (IOException e) {
                    // the process is gone
                }
                firstLine.complete(null);
            });
            reader.start();
            String ready = firstLine.get(120, TimeUnit.SECONDS);
            assertThat(ready).as("the ready line; stderr: " + Files.readString(dir.resolve("serve.err"))).isNotNull();
            Matcher url = READY.matcher(ready);
            assertThat(url.matches()).as(ready).isTrue();
            URI endpoint = URI.create(url.group(1));

            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            Path out = dir.resolve("served.jsonl");
            CliRun judged = CliRun.of("judge", "--in", requests.toString(), "--out", out.toString(), "--endpoint", endpoint.toString(),
                    "--model-name", MODEL, "--conformance", "off", "--max-new-tokens", "12");
            assertThat(judged.exitCode()).as(judged.err()).isZero();
            assertSameJudgments(lines(out));

            CliRun wrongName = CliRun.of("judge", "--in", requests.toString(), "--out", dir.resolve("wrong.jsonl").toString(),
                    "--endpoint", endpoint.toString(), "--conformance", "off", "--max-new-tokens", "12");
            assertThat(wrongName.exitCode()).as("the default model name GAIR/autoj-13b is not served").isNotZero();
            assertThat(wrongName.err()).contains("tiny-autoj");

            serve.destroy();
            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute of SIGTERM").isTrue();
            reader.join(10_000);
            assertThat(printed).as("stdout: the ready line only").containsExactly(ready);
            assertThat(Files.readString(dir.resolve("serve.err"))).contains("autoj serve: stopped after ");
        } finally {
            serve.destroyForcibly();
        }
    }

    @Test
    void asAManagedServerItIsStartedOnTheRunsPortUsedAndStopped() throws Exception {
        List<String> command = serveCommand(ServerConfig.PORT_PLACEHOLDER);
        command = new ArrayList<>(command);
        command.addAll(List.of("--model-name", MODEL));
        Path log = dir.resolve("managed.log");
        Path out = dir.resolve("managed.jsonl");
        CliRun judged = CliRun.of("judge", "--in", requests.toString(), "--out", out.toString(), "--model-name", MODEL,
                "--conformance", "off", "--max-new-tokens", "12",
                "--server-command", quoted(command), "--server-log", log.toString());

        assertThat(judged.exitCode()).as(judged.err() + "\nserver log:\n" + (Files.exists(log) ? Files.readString(log) : "(none)")).isZero();
        assertSameJudgments(lines(out));
        String serverLog = Files.readString(log);
        assertThat(serverLog).containsPattern("autoj serve: http://127\\.0\\.0\\.1:\\d+ serves \"tiny-autoj\"");
        assertThat(serverLog).as("stopped by SIGTERM at the end of the run").contains("autoj serve: stopped after ");
    }

    /** The arguments single-quoted, as the managed server's command grammar reads them (paths here hold no quote). */
    private static String quoted(List<String> arguments) {
        return String.join(" ", arguments.stream().map(a -> "'" + a + "'").toList());
    }

    @Test
    void aFolderThatIsNotAModelIsBadInputBeforeAnythingListens() throws IOException {
        Path notAModel = Files.createDirectories(dir.resolve("empty"));
        CliRun run = CliRun.of("serve", "--model", notAModel.toString(), "--port", "0", "--cache-dir", dir.resolve("cache").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().toList()).hasSize(2);
        assertThat(run.err().lines().toList().get(0)).startsWith("autoj serve: loading " + notAModel);
        assertThat(run.err().lines().toList().get(1)).startsWith("autoj serve: " + notAModel + ": is not a usable model folder: ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMissingFolderIsAUsageError() {
        CliRun run = CliRun.of("serve", "--model", dir.resolve("nowhere").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLine()).contains("--model " + dir.resolve("nowhere") + " is not a folder");

        CliRun host = CliRun.of("serve", "--model", model.dir.toString(), "--host", "no-such-host.invalid");
        assertThat(host.exitCode()).isEqualTo(2);
        assertThat(host.errorLine()).contains("--host no-such-host.invalid is not an address or a known host name");
    }
}
