package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.Scenario;
import dev.autoj.engine.server.FakeJudgeServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * {@code autoj.server.command} in real Jupiter launches. The command runs {@link FakeJudgeServer}, a
 * test fixture that answers every prompt with one fixed completion (rating 8, "Response 1"), as its
 * own process: the same code path a {@code vllm serve …} command takes.
 */
class ManagedServerLaunchTest {

    private static final Pattern PID = Pattern.compile("pid=(\\d+)");

    @TempDir
    Path dir;

    @AutoJ
    @ExtendWith(OnlyInTestKit.class)
    static class FirstClass {
        @Test
        void summaryIsGood() {
            assertThatResponse("The meeting moved to Tuesday.").forQuery("Summarize: the meeting moved from Monday to Tuesday.")
                    .inScenario(Scenario.TEXT_SUMMARIZATION).scoresAtLeast(7);
        }
    }

    @AutoJ
    @ExtendWith(OnlyInTestKit.class)
    static class SecondClass {
        @Test
        void answerIsGood() {
            assertThatResponse("Paris.").forQuery("What is the capital of France?")
                    .inScenario(Scenario.TEXT_SUMMARIZATION).scoresAtLeast(7);
        }
    }

    private EngineExecutionResults launch(Map<String, String> configuration) {
        Map<String, String> parameters = new HashMap<>(configuration);
        parameters.putIfAbsent("autoj.mode", "live");
        // The fixture's fixed completion does not reproduce Auto-J's golden set.
        parameters.put("autoj.conformance", "off");
        parameters.put("autoj.report", "junit");
        return Launches.launch(dir.resolve("summary"), parameters, FirstClass.class, SecondClass.class);
    }

    private Path starts() {
        return dir.resolve("starts.txt");
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void oneServerIsStartedForTwoTestClassesUsedByBothAndGoneWithItsChildWhenTheRunEnds() throws IOException {
        launch(Map.of("autoj.server.command", FakeJudgeServer.command("--child", "--starts", starts().toString())))
                .testEvents().assertStatistics(s -> s.succeeded(2).failed(0));

        assertThat(Files.readAllLines(starts())).as("started once for the run").hasSize(1);
        String log = Files.readString(dir.resolve("summary/judge-server.log"));
        assertThat(log.split("POST /v1/completions", -1)).as("both tests were judged by it").hasSize(3);
        List<Long> pids = new ArrayList<>();
        Matcher m = PID.matcher(log);
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        assertThat(pids).as("the server and its child").hasSize(2).noneMatch(ManagedServerLaunchTest::alive);
        assertThat(Files.readString(dir.resolve("summary/summary.json"))).contains("live:remote");
    }

    @Test
    void aPureReplayRunStartsNothing() throws IOException {
        launch(Map.of("autoj.mode", "replay", "autoj.store.dir", Files.createDirectories(dir.resolve("store")).toString(),
                "autoj.server.command", FakeJudgeServer.command("--starts", starts().toString())))
                .testEvents().assertStatistics(s -> s.failed(2));

        assertThat(starts()).doesNotExist();
        assertThat(dir.resolve("summary/judge-server.log")).doesNotExist();
    }

    @Test
    void anEndpointThatAlreadyServesTheModelIsUsedAndNoServerIsStarted() throws IOException {
        try (FakeJudgeServer running = FakeJudgeServer.start("GAIR/autoj-13b")) {
            launch(Map.of("autoj.endpoints", running.endpoint().toString(),
                    "autoj.server.command", FakeJudgeServer.command("--starts", starts().toString())))
                    .testEvents().assertStatistics(s -> s.succeeded(2));
            assertThat(running.completions()).isEqualTo(2);
        }
        assertThat(starts()).doesNotExist();
        assertThat(dir.resolve("summary/judge-server.log")).doesNotExist();
    }

    @Test
    void aServerThatExitsAtOnceFailsTheRunOnceWithItsExitCodeLogTailAndCommandAndSkipsTheRest() {
        Events tests = launch(Map.of("autoj.server.command", FakeJudgeServer.command("--exit", "3"))).testEvents();

        assertThat(tests.failed().stream().map(ManagedServerLaunchTest::message)).singleElement().asString()
                .contains("exited with code 3", "Command as run: ", "FakeJudgeServer --port ", "Last 40 lines of",
                        "fake judge server log line 49");
        assertThat(tests.aborted().stream().map(ManagedServerLaunchTest::message)).singleElement().asString()
                .startsWith("Skipped: The judge server could not be started earlier in this run");
    }

    @Test
    void theStartupTimeoutSettingEndsAServerThatNeverBecomesReady() {
        // Listening on nothing: the fixture's idle mode never answers, like a model that is still loading.
        Events tests = launch(Map.of("autoj.server.command", FakeJudgeServer.command("--idle"),
                        "autoj.server.startup-timeout", "2s")).testEvents();

        assertThat(tests.failed().stream().map(ManagedServerLaunchTest::message)).singleElement().asString()
                .contains("did not become ready within PT2S", "Raise the startup timeout");
        assertThat(tests.aborted().count()).isEqualTo(1);
    }

    private static String message(Event event) {
        return event.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                .map(Throwable::getMessage).orElse("");
    }
}
