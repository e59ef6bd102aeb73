package dev.autoj.engine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.remote.RemoteBackend;
import dev.autoj.engine.backend.remote.RemoteConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The managed server, run for real: its command is {@link FakeJudgeServer} (a test fixture
 * answering a fixed completion) as its own process, or a small {@code sh -c} script.
 */
class ManagedServerTest {

    private static final String MODEL = "GAIR/autoj-13b";
    private static final Pattern PID = Pattern.compile("pid[= ](\\d+)");

    @TempDir
    Path dir;

    private ServerConfig config(String command) {
        return ServerConfig.of(command, MODEL).withLogFile(dir.resolve("logs/judge-server.log"));
    }

    private static Function<List<URI>, RemoteBackend> remote() {
        return uris -> new RemoteBackend(RemoteConfig.builder().endpoints(uris).modelName(MODEL).build());
    }

    private static String generateOne(Backend backend) {
        return backend.generate(List.of(new GenerationRequest("a prompt", 16))).get(0).text();
    }

    private static List<Long> pids(String text) {
        Matcher m = PID.matcher(text);
        List<Long> pids = new java.util.ArrayList<>();
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void theCommandIsStartedOnAFreeLoopbackPortAnswersAndIsStoppedWithItsChildProcess() throws IOException {
        ManagedServer server = ManagedServer.start(config(FakeJudgeServer.command("--child")));
        List<Long> pids;
        try (RemoteBackend backend = remote().apply(List.of(server.endpoint()))) {
            assertThat(server.endpoint().getHost()).isEqualTo("127.0.0.1");
            assertThat(generateOne(backend)).isEqualTo(FakeJudgeServer.COMPLETION);
            String log = Files.readString(dir.resolve("logs/judge-server.log"));
            assertThat(log).contains("child pid=", "GET /v1/models", "POST /v1/completions");
            pids = pids(log);
            assertThat(pids).hasSize(2).contains(server.pid());
            assertThat(pids).allMatch(ManagedServerTest::alive);
        } finally {
            server.close();
        }
        assertThat(pids).noneMatch(ManagedServerTest::alive);
    }

    @Test
    void aCommandThatExitsAtOnceFailsWithItsExitCodeTheLastFortyLogLinesAndTheCommandAsRun() {
        assertThatThrownBy(() -> ManagedServer.start(config(FakeJudgeServer.command("--exit", "3"))))
                .isInstanceOf(ServerStartException.class)
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("Last 40 lines of " + dir.resolve("logs/judge-server.log").toAbsolutePath())
                .hasMessageContaining("fake judge server log line 10" + System.lineSeparator())
                .hasMessageContaining("fake judge server log line 49" + System.lineSeparator())
                .hasMessageNotContaining("fake judge server log line 9" + System.lineSeparator())
                .hasMessageMatching("(?s).*Command as run: \\S*java -cp \\S+ dev\\.autoj\\.engine\\.server\\.FakeJudgeServer"
                        + " --port \\d+ --exit 3\\R.*");
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void aServerThatNeverBecomesReadyFailsAtTheStartupTimeoutWithItsLogAndIsStoppedWithItsChild() {
        ServerConfig never = config("sh -c 'echo loading weights; echo \"shell pid $$\"; sleep 600 & echo \"sleep pid $!\"; wait'"
                + " --port {port}").withStartupTimeout(Duration.ofSeconds(3));
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> ManagedServer.start(never));
        assertThat(failure).isInstanceOf(ServerStartException.class)
                .hasMessageContaining("did not become ready within PT3S (it is still running")
                .hasMessageContaining("loading weights")
                .hasMessageContaining("Command as run: sh -c 'echo loading weights;")
                .hasMessageContaining("Raise the startup timeout");
        List<Long> pids = pids(failure.getMessage());
        assertThat(pids).hasSize(2).noneMatch(ManagedServerTest::alive);
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void theEnvironmentAndWorkingFolderReachTheServer() throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        ServerConfig config = config("sh -c 'echo \"model dir: $MODEL_DIR\"; pwd; exit 7' --port {port}")
                .withEnvironment(Map.of("MODEL_DIR", "/models/autoj 13b")).withDirectory(work);
        assertThatThrownBy(() -> ManagedServer.start(config))
                .hasMessageContaining("exited with code 7")
                .hasMessageContaining("model dir: /models/autoj 13b")
                .hasMessageContaining(work.toRealPath().toString())
                .hasMessageContaining("(in " + work.toAbsolutePath() + ")");
    }

    @Test
    void aProgramThatIsNotInstalledFailsNamingTheCommandAndThePath() {
        assertThatThrownBy(() -> ManagedServer.start(config("no-such-autoj-server-program --port {port}")))
                .isInstanceOf(ServerStartException.class)
                .hasMessageContaining("Could not run the judge server command no-such-autoj-server-program --port ")
                .hasMessageContaining("on the PATH");
    }

    @Test
    void theBackendStartsNothingWhenAConfiguredEndpointAlreadyServesTheModel() throws IOException {
        AtomicInteger starts = new AtomicInteger();
        try (FakeJudgeServer running = FakeJudgeServer.start(MODEL);
             ServerBackend backend = new ServerBackend(config(FakeJudgeServer.command()), List.of(running.endpoint()), remote(),
                     c -> {
                         starts.incrementAndGet();
                         return ManagedServer.start(c);
                     })) {
            assertThat(generateOne(backend)).isEqualTo(FakeJudgeServer.COMPLETION);
            assertThat(running.completions()).isEqualTo(1);
            assertThat(starts).hasValue(0);
            assertThat(backend.server()).isNull();
        }
    }

    @Test
    void theBackendStartsTheServerAtTheFirstPromptOnlyOnceAndStopsItWhenClosed() {
        AtomicInteger starts = new AtomicInteger();
        ServerBackend backend = new ServerBackend(config(FakeJudgeServer.command()), List.of(), remote(), c -> {
            starts.incrementAndGet();
            return ManagedServer.start(c);
        });
        long pid;
        try {
            assertThat(backend.modelId()).isEqualTo(MODEL);
            assertThat(backend.server()).as("nothing runs before a prompt needs it").isNull();
            assertThat(generateOne(backend)).isEqualTo(FakeJudgeServer.COMPLETION);
            assertThat(generateOne(backend)).isEqualTo(FakeJudgeServer.COMPLETION);
            assertThat(starts).hasValue(1);
            pid = backend.server().pid();
            assertThat(alive(pid)).isTrue();
        } finally {
            backend.close();
        }
        assertThat(alive(pid)).isFalse();
    }

    @Test
    void aServerThatFailedToStartIsReportedInFullOnceAndNotStartedAgain() {
        AtomicInteger starts = new AtomicInteger();
        try (ServerBackend backend = new ServerBackend(config(FakeJudgeServer.command("--exit", "3")), List.of(), remote(), c -> {
            starts.incrementAndGet();
            return ManagedServer.start(c);
        })) {
            assertThatThrownBy(() -> generateOne(backend)).isInstanceOf(ServerStartException.class)
                    .hasMessageContaining("exited with code 3").hasMessageContaining("log line 49")
                    .matches(e -> !((ServerStartException) e).alreadyReported(), "is the first report");
            assertThatThrownBy(() -> generateOne(backend)).isInstanceOf(ServerStartException.class)
                    .hasMessageStartingWith("The judge server could not be started earlier in this run")
                    .hasMessageContaining("exited with code 3").hasMessageNotContaining("log line 49")
                    .matches(e -> ((ServerStartException) e).alreadyReported(), "says it was reported before");
            assertThat(starts).hasValue(1);
        }
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void aServerKilledMidRunFailsTheNextRequestWithinSecondsWithItsExitCodeLogTailAndCommandAndLaterOnesBriefly()
            throws Exception {
        // The client keeps its defaults: a 5-minute request timeout, which the failure must not wait out.
        try (ServerBackend backend = new ServerBackend(config(FakeJudgeServer.command()), List.of(), remote(),
                ManagedServer::start)) {
            assertThat(generateOne(backend)).isEqualTo(FakeJudgeServer.COMPLETION);
            ManagedServer server = backend.server();
            ProcessHandle.of(server.pid()).orElseThrow().destroyForcibly();

            long started = System.nanoTime();
            Throwable next = catchThrowable(() -> generateOne(backend));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.println("killed judge server: the next request failed after " + took.toMillis() + " ms");
            assertThat(next).isInstanceOf(ServerStartException.class)
                    .hasMessageStartingWith("The judge server exited with code 137 (128 + 9: killed with SIGKILL")
                    .hasMessageContaining("while in use")
                    .hasMessageContaining("it is not restarted")
                    .hasMessageContaining("Last 40 lines of " + dir.resolve("logs/judge-server.log").toAbsolutePath())
                    .hasMessageContaining("fake judge server: POST /v1/completions")
                    .hasMessageMatching("(?s).*Command as run: \\S*java -cp \\S+ dev\\.autoj\\.engine\\.server\\.FakeJudgeServer"
                            + " --port \\d+\\R.*")
                    .hasMessageNotContaining("every endpoint is down");
            assertThat(((ServerStartException) next).alreadyReported()).isFalse();
            assertThat(took).as("the exit, not the 5-minute request timeout, ends it").isLessThan(Duration.ofSeconds(60));

            Throwable later = catchThrowable(() -> generateOne(backend));
            assertThat(later).isInstanceOf(ServerStartException.class)
                    .hasMessageStartingWith("The judge server stopped earlier in this run")
                    .hasMessageContaining("exited with code 137")
                    .hasMessageContaining("Command as run: ")
                    .hasMessageContaining("its log: " + dir.resolve("logs/judge-server.log").toAbsolutePath())
                    .hasMessageNotContaining("fake judge server: POST");
            assertThat(((ServerStartException) later).alreadyReported()).isTrue();
            assertThat(later.getCause()).hasMessageContaining("fake judge server: POST /v1/completions");
        }
    }

    @Test
    void aServerThatDiesWithRequestsInFlightFailsThemWithinSecondsWithItsExitCodeAndTheEndOfItsLog() throws Exception {
        try (ServerBackend backend = new ServerBackend(config(FakeJudgeServer.command("--crash-on", "CRASH", "3")), List.of(),
                remote(), ManagedServer::start)) {
            assertThat(generateOne(backend)).isEqualTo(FakeJudgeServer.COMPLETION);

            long started = System.nanoTime();
            Throwable failure = catchThrowable(() -> backend.generate(List.of(new GenerationRequest("a prompt", 16),
                    new GenerationRequest("CRASH on this one", 16), new GenerationRequest("another prompt", 16))));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.println("judge server crashed with a request in flight: failed after " + took.toMillis() + " ms");
            assertThat(failure).isInstanceOf(ServerStartException.class)
                    .hasMessageStartingWith("The judge server exited with code 3 while in use")
                    .hasMessageContaining("CUDA error: out of memory (test fixture, crashing on purpose)")
                    .hasMessageContaining("Command as run: ")
                    .hasMessageContaining("--crash-on CRASH 3");
            assertThat(took).as("the exit, not the 5-minute request timeout, ends it").isLessThan(Duration.ofSeconds(60));
            assertThat(backend.server().exit().get(30, TimeUnit.SECONDS)).hasValueSatisfying(
                    report -> assertThat(report).contains("exited with code 3"));
        }
    }

    @Test
    void aServerStoppedByClosingTheBackendIsNotTakenForAnExit() throws Exception {
        ServerBackend backend = new ServerBackend(config(FakeJudgeServer.command()), List.of(), remote(), ManagedServer::start);
        ManagedServer server;
        try {
            assertThat(generateOne(backend)).isEqualTo(FakeJudgeServer.COMPLETION);
            server = backend.server();
            assertThat(server.exit()).isNotDone();
        } finally {
            backend.close();
        }
        assertThat(server.exit().get(30, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void anAdoptedServerIsUsedNotStartedLeftRunningWhenClosedAndItsExitFailsTheNextRequestWithItsLogTail() throws Exception {
        // Another JVM of the run started it and left it running (detached); this one adopts it.
        ServerConfig config = config(FakeJudgeServer.command());
        ManagedServer started = ManagedServer.start(config);
        long pid = started.detach();
        try {
            ManagedServer.adopt(config, pid, started.endpoint(), "the test JVM pid 4242");
            try (ServerBackend backend = new ServerBackend(config, List.of(), remote(), ManagedServer::start)) {
                assertThat(generateOne(backend)).isEqualTo(FakeJudgeServer.COMPLETION);
                assertThat(backend.server().pid()).as("no second server").isEqualTo(pid);
            }
            assertThat(alive(pid)).as("closing the adopter leaves the run's server running").isTrue();

            try (ServerBackend backend = new ServerBackend(config, List.of(), remote(), ManagedServer::start)) {
                assertThat(generateOne(backend)).isEqualTo(FakeJudgeServer.COMPLETION);
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                long before = System.nanoTime();
                Throwable next = catchThrowable(() -> generateOne(backend));
                assertThat(next).isInstanceOf(ServerStartException.class)
                        .hasMessageStartingWith("The judge server exited with code unknown here (pid " + pid
                                + ", started by the test JVM pid 4242: only that JVM can read its exit code) while in use")
                        .hasMessageContaining("Last 40 lines of " + dir.resolve("logs/judge-server.log").toAbsolutePath())
                        .hasMessageContaining("fake judge server: POST /v1/completions")
                        .hasMessageNotContaining("every endpoint is down");
                assertThat(Duration.ofNanos(System.nanoTime() - before)).as("the exit, not the request timeout, ends it")
                        .isLessThan(Duration.ofSeconds(60));
            }
            assertThatThrownBy(() -> ManagedServer.start(config)).as("a server that is gone is not adopted again")
                    .isInstanceOf(ServerStartException.class)
                    .hasMessageStartingWith("The judge server (pid " + pid + " on " + started.endpoint()
                            + ", started by the test JVM pid 4242) is no longer running");
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aCommandWithoutThePortPlaceholderIsRefusedSayingWhatToAdd() {
        assertThatThrownBy(() -> ServerConfig.of("vllm serve GAIR/autoj-13b", MODEL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no {port}").hasMessageContaining("--port {port}");
    }

    @Test
    void theCommandIsSplitIntoArgumentsLikeAShellQuotesItButWithoutAShell() {
        ServerConfig config = ServerConfig.of("llama-server -m '/models/auto j.gguf' --alias \"GAIR/autoj-13b\""
                + " --chat-template \"say \\\"hi\\\"\" C:\\models\\x.gguf a\\ b --port {port} --host=127.0.0.1:{port}", MODEL);
        assertThat(config.arguments(8123)).containsExactly("llama-server", "-m", "/models/auto j.gguf", "--alias",
                "GAIR/autoj-13b", "--chat-template", "say \"hi\"", "C:\\models\\x.gguf", "a b", "--port", "8123",
                "--host=127.0.0.1:8123");
        assertThatThrownBy(() -> ServerConfig.of("vllm serve 'GAIR/autoj-13b --port {port}", MODEL))
                .hasMessageContaining("unterminated ' quote (opened at character 12)");
    }

    @Test
    void theLogTailIsTheLastLinesOfTheFile() throws IOException {
        Path log = dir.resolve("tail.log");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            text.append("line ").append(i).append('\n');
        }
        Files.writeString(log, text);
        assertThat(ManagedServer.tail(log, 3)).containsExactly("line 97", "line 98", "line 99");
        assertThat(ManagedServer.tail(dir.resolve("absent.log"), 3)).isEmpty();
    }
}
