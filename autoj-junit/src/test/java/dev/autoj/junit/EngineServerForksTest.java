package dev.autoj.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Scenario;
import dev.autoj.onnx.TinyLlama;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * The embedded engine served once for a run of several test JVMs: each "fork" is a child JVM (this
 * class's {@link #main}) running a JUnit launch with the same run id and run folder, judging with
 * {@code autoj.backend=onnx} on a tiny random checkpoint. The first starts the engine server, the
 * second finds and uses it, the watcher stops it once no test JVM has used it for the idle time, and
 * a later fork starts a new one.
 */
class EngineServerForksTest {

    private static final String IDLE = "12s";

    @TempDir
    Path dir;

    private final List<Long> servers = new ArrayList<>();

    @AutoJ
    @ExtendWith(OnlyInTestKit.class)
    static class GradedThroughTheRunsEngine {
        /** A random model writes no rating: what can be checked is that a judgment was made, with its reason. */
        @Test
        void aJudgmentIsMadeAndRecorded(Judge judge) {
            String answer = System.getProperty("fork.answer");
            Judgment judgment = judge.grade("What is 2 + 2?", answer, Scenario.MATH_REASONING);
            assertThat(judgment.rawOutput()).isNotEmpty();
            assertThat(judgment.noVerdictReason()).contains("judge output truncated at 12 tokens");
        }
    }

    /** One fork: {@code SUMMARY_DIR RUN_ID MODEL CACHE STORE ANSWER}; exit code 0 when its test passed. */
    public static void main(String[] args) {
        System.setProperty("fork.answer", args[5]);
        EngineExecutionResults results = Launches.launch(Path.of(args[0]), Map.ofEntries(Map.entry("autoj.run.id", args[1]),
                Map.entry("autoj.backend", "onnx"), Map.entry("autoj.mode", "record"), Map.entry("autoj.model.path", args[2]),
                Map.entry("autoj.model.name", "tiny-autoj"), Map.entry("autoj.model.cache-dir", args[3]),
                Map.entry("autoj.store.dir", args[4]), Map.entry("autoj.max-new-tokens", "12"), Map.entry("autoj.device", "cpu"),
                Map.entry("autoj.conformance", "off"), Map.entry("autoj.report", "junit"),
                Map.entry("autoj.server.idle-timeout", IDLE)), GradedThroughTheRunsEngine.class);
        results.testEvents().failed().stream().forEach(e -> System.out.println("FAILED " + e));
        System.out.println("passed " + results.testEvents().succeeded().count());
        System.exit(results.testEvents().succeeded().count() == 1 && results.testEvents().failed().count() == 0 ? 0 : 1);
    }

    private String fork(String runId, Path model, String answer, String name) throws Exception {
        Path out = dir.resolve(name + ".log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), EngineServerForksTest.class.getName(),
                dir.resolve("summary").toString(), runId, model.toString(), dir.resolve("cache").toString(),
                dir.resolve("store").toString(), answer)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(child.waitFor(3, TimeUnit.MINUTES)).as("fork %s ended", name).isTrue();
        String log = Files.readString(out);
        assertThat(child.exitValue()).as("fork %s:%n%s", name, log).isZero();
        return log;
    }

    private Properties server() throws IOException {
        Properties p = new Properties();
        Path file = dir.resolve("summary/run/server.properties");
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file)) {
                p.load(in);
            }
        }
        String pid = p.getProperty("pid");
        if (pid != null) {
            servers.add(Long.parseLong(pid));
        }
        return p;
    }

    private List<String> starts() throws IOException {
        return Files.readAllLines(dir.resolve("summary/run/starts.log"));
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @AfterEach
    void stopWhatTheForksLeft() throws IOException {
        server();
        servers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void oneEngineServesTwoForksStopsWhenIdleAndALaterForkStartsANewOne() throws Exception {
        Path model = TinyLlama.withLlama2Tokenizer(dir.resolve("tiny-autoj")).dir;
        String runId = "engine-forks-" + UUID.randomUUID();

        fork(runId, model, "It is 4.", "first");
        Properties first = server();
        long pid = Long.parseLong(first.getProperty("pid"));
        assertThat(starts()).as("the first fork started the engine server").hasSize(1);
        assertThat(alive(pid)).as("the server outlives the fork that started it").isTrue();
        assertThat(first.getProperty("command")).contains("dev.autoj.onnx.server.EngineServer", "--model-name tiny-autoj");

        String second = fork(runId, model, "Four.", "second");
        assertThat(starts()).as("the second fork found the engine server and started none").hasSize(1);
        assertThat(second).contains("judging through this build's judge server (pid " + pid + ")");
        assertThat(server().getProperty("pid")).isEqualTo(Long.toString(pid));
        try (var files = Files.walk(dir.resolve("store"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".json") && !f.toString().contains(File.separator + "answers"))
                    .count()).as("each fork's prompt judged and recorded once").isEqualTo(2);
        }

        // No test JVM of the run is alive now: after the idle time the watcher stops the server and clears it from the folder.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (alive(pid) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(alive(pid)).as("the idle engine server was stopped").isFalse();
        assertThat(dir.resolve("summary/run/server.properties")).doesNotExist();
        assertThat(Files.readString(dir.resolve("summary/run/watcher.log")))
                .contains("no test JVM of the run has used the judge server (pid " + pid + ") for PT12S (autoj.server.idle-timeout)");

        fork(runId, model, "2 + 2 = 4.", "third");
        assertThat(starts()).as("a fork after the idle stop starts a new engine server").hasSize(2);
        assertThat(server().getProperty("pid")).isNotEqualTo(Long.toString(pid));
    }

    @Test
    void aModelTheServedEngineCannotLoadFailsTheTestNamingTheKeyWithTheServersLogTail() throws Exception {
        Path model = TinyLlama.withLlama2Tokenizer(dir.resolve("tiny-autoj")).dir;
        Files.writeString(model.resolve("config.json"), "{\"architectures\":[\"BertModel\"]}");

        EngineExecutionResults results = Launches.launch(dir.resolve("summary"), Map.of("autoj.run.id", "engine-bad-" + UUID.randomUUID(),
                "autoj.backend", "onnx", "autoj.mode", "live", "autoj.model.path", model.toString(),
                "autoj.model.cache-dir", dir.resolve("cache").toString(), "autoj.device", "cpu", "autoj.conformance", "off"),
                GradedThroughTheRunsEngine.class);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        Throwable failure = results.testEvents().failed().stream().findFirst().orElseThrow().getPayload(
                org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertThat(failure).hasMessageContaining("autoj.model.path (or AUTOJ_MODEL_PATH) = " + model
                        + ": the embedded engine cannot load this model: it is served to this build's test JVMs from a JVM of its own")
                .hasMessageContaining("Last 40 lines of " + dir.resolve("summary/engine-server.log").toAbsolutePath())
                .hasMessageContaining("is not a usable model folder")
                .hasMessageEndingWith("Point autoj.model.path (or AUTOJ_MODEL_PATH) at a LLaMA-family Hugging Face folder (config.json,"
                        + " tokenizer.json, *.safetensors) or an Optimum / onnxruntime-genai ONNX export.");
        assertThat(dir.resolve("summary/run/server.properties")).as("no server is named for the run").doesNotExist();
    }
}
