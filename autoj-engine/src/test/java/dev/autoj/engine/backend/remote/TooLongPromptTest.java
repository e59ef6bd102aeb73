package dev.autoj.engine.backend.remote;

import static dev.autoj.engine.backend.remote.CompletionsServer.completion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.Judge;
import dev.autoj.engine.JudgeSpec;
import dev.autoj.engine.Setting;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.backend.TokenCounter;
import dev.autoj.engine.conformance.ConformanceMode;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prompt that cannot fit the judge's context window with the token budget is refused before it is
 * sent: a no-verdict judgment naming the request, its token count and the window, while the rest of
 * the batch is judged. (The same with the real LLaMA-2 tokenizer: autoj-onnx's {@code TokenCountingTest}.)
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TooLongPromptTest {

    private static final String ANSWER = "The response is fine.\n\nRating: [[7]]";

    /** A counter for tests: {@code count} decides, and closing is seen. */
    private static final class FakeCounter implements TokenCounter {
        final ToIntFunction<String> count;
        final AtomicBoolean closed = new AtomicBoolean();

        FakeCounter(ToIntFunction<String> count) {
            this.count = count;
        }

        @Override
        public int count(String prompt) {
            return count.applyAsInt(prompt);
        }

        @Override
        public String describe() {
            return "the fake tokenizer";
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private static List<Judge.GradeRequest> threeRequests(String middle) {
        return List.of(new Judge.GradeRequest("q1", "short answer", Scenario.DEFAULT),
                new Judge.GradeRequest("q2 about the long one", middle, Scenario.DEFAULT),
                new Judge.GradeRequest("q3", "another short answer", Scenario.DEFAULT));
    }

    @Test
    void aPromptTheCounterProvesTooLongIsNeverSentAndTheRestOfTheBatchIsJudgedAndRecorded(@TempDir Path storeDir)
            throws Exception {
        FakeCounter counter = new FakeCounter(p -> p.contains("very long answer") ? 58_119 : 300);
        try (CompletionsServer server = CompletionsServer.start(r -> completion(ANSWER, "stop", 300, 12));
             Judge judge = Judges.builder()
                     .backend(new RemoteBackend(RemoteConfig.builder().endpoints(List.of(server.base())).build()))
                     .mode(StoreMode.RECORD).store(JudgmentStore.open(storeDir))
                     .contextWindow(4096).tokenCounter(counter).build()) {
            List<Judgment> judgments = judge.gradeAll(threeRequests("a very long answer"));

            assertThat(judgments).extracting(Judgment::isNoVerdict).containsExactly(false, true, false);
            assertThat(judgments.get(0).rating()).isEqualTo(7.0);
            assertThat(judgments.get(2).rating()).isEqualTo(7.0);
            assertThat(judgments.get(1).noVerdictReason())
                    .startsWith("the prompt is too long for the judge, so there is no judgment: not sent")
                    .contains("grade request 2 of 3", "q2 about the long one", "58119 tokens (counted with the fake tokenizer)",
                            "1024-token budget", "4096-token context window", "at most 3072 prompt tokens");
            assertThat(judgments.get(1).promptTokens()).isEqualTo(58_119);
            assertThat(judgments.get(1).provenance().describe()).as("no model wrote it").isEqualTo("not-sent:remote");
            assertThat(judgments.get(0).provenance().describe()).isEqualTo("live:remote");
            assertThat(server.requests()).hasSize(2).noneMatch(r -> r.body().contains("very long answer"));
            assertThat(JudgmentStore.open(storeDir).stats().judgments()).as("the refusal is not recorded").isEqualTo(2);
        }
        assertThat(counter.closed).as("closing the judge closes its counter").isTrue();
    }

    @Test
    void aPromptThatExactlyFillsTheWindowWithTheBudgetIsSent() throws Exception {
        FakeCounter counter = new FakeCounter(p -> 4096 - 1024);
        try (CompletionsServer server = CompletionsServer.start(r -> completion(ANSWER, "stop", 3072, 12));
             Judge judge = Judges.builder()
                     .backend(new RemoteBackend(RemoteConfig.builder().endpoints(List.of(server.base())).build()))
                     .contextWindow(4096).tokenCounter(counter).build()) {
            Judgment judgment = judge.grade("q", "an answer that just fits", Scenario.DEFAULT);

            assertThat(judgment.rating()).isEqualTo(7.0);
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void withoutACounterOnlyAPromptWhoseLengthAloneProvesItTooLongIsRefused() throws Exception {
        String twentyThousandWords = "word ".repeat(20_000);
        String tenThousandCharacters = "x".repeat(10_000);
        try (CompletionsServer server = CompletionsServer.start(r -> completion(ANSWER, "stop", 300, 12));
             Judge judge = Judges.builder()
                     .backend(new RemoteBackend(RemoteConfig.builder().endpoints(List.of(server.base())).build()))
                     .contextWindow(4096).build()) {
            List<Judgment> judgments = judge.gradeAll(threeRequests(twentyThousandWords).subList(0, 2));
            Judgment mayFit = judge.grade("q4", tenThousandCharacters, Scenario.DEFAULT);

            assertThat(judgments.get(0).rating()).isEqualTo(7.0);
            assertThat(judgments.get(1).noVerdictReason())
                    .contains("grade request 2 of 2", "is at least", "characters, at most 16 per LLaMA-2 token",
                            "autoj.tokenizer / --tokenizer", "4096-token context window");
            assertThat(mayFit.isNoVerdict()).as("10,000 characters may be 625 tokens: sent, the server decides").isFalse();
            assertThat(server.requests()).hasSize(2).noneMatch(r -> r.body().contains("word word word"));
        }
    }

    @Test
    void aPairWhoseResponsesAreTooLongIsRefusedInBothOrdersNamingTheRequest() throws Exception {
        FakeCounter counter = new FakeCounter(p -> p.length() > 50_000 ? 13_000 : 400);
        String longAnswer = "z ".repeat(30_000);
        try (CompletionsServer server = CompletionsServer.start(r -> completion(
                "Both are fine.\n\nSo, the final decision is Response 1.", "stop", 400, 12));
             Judge judge = Judges.builder()
                     .backend(new RemoteBackend(RemoteConfig.builder().endpoints(List.of(server.base())).build()))
                     .contextWindow(4096).tokenCounter(counter).build()) {
            var comparisons = judge.compareAll(List.of(
                    new Judge.CompareRequest("q1", "a", "b", Scenario.DEFAULT),
                    new Judge.CompareRequest("q2", longAnswer, "b", Scenario.DEFAULT)));

            assertThat(comparisons.get(0).original().isNoVerdict()).isFalse();
            assertThat(comparisons.get(1).original().noVerdictReason()).contains("compare request 2 of 2 (original order)");
            assertThat(comparisons.get(1).swapped().noVerdictReason()).contains("compare request 2 of 2 (swapped order)");
            assertThat(server.requests()).hasSize(2);
        }
    }

    @Test
    void aTokenizerWithoutTheEmbeddedEngineOnTheClassPathFailsOnceNamingTheDependency(@TempDir Path dir) throws Exception {
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), "{}");
        JudgeSpec spec = JudgeSpec.builder().endpoints(List.of(CompletionsServer.refusingEndpoint()))
                .conformance(ConformanceMode.OFF).tokenizer(tokenizer).build();

        assertThatThrownBy(spec::open).isInstanceOf(JudgeSpec.InvalidSpecException.class)
                .hasMessageContaining("autoj.tokenizer (or AUTOJ_TOKENIZER) = " + tokenizer)
                .hasMessageContaining("add the dependency dev.autoj:autoj-onnx");
    }

    @Test
    void badCountingSettingsAreRefusedNamingTheSetting(@TempDir Path dir) {
        List<String> messages = new ArrayList<>();
        for (JudgeSpec.Builder bad : List.of(
                JudgeSpec.builder().endpoints(List.of(java.net.URI.create("http://judge:8000"))).contextWindow(1024),
                JudgeSpec.builder().endpoints(List.of(java.net.URI.create("http://judge:8000"))).tokenizer(dir.resolve("missing.json")),
                JudgeSpec.builder().endpoints(List.of(java.net.URI.create("http://judge:8000"))).tokenizer(dir),
                JudgeSpec.builder().backend(JudgeSpec.BackendKind.ONNX).mode(StoreMode.REPLAY).storeDir(dir).contextWindow(8192))) {
            assertThatThrownBy(bad::build).isInstanceOf(JudgeSpec.InvalidSpecException.class)
                    .satisfies(e -> messages.add(e.getMessage()));
        }
        assertThat(messages.get(0)).contains("autoj.context-window", "larger than", "(1024)", "got 1024");
        assertThat(messages.get(1)).contains("autoj.tokenizer", "there is no such file");
        assertThat(messages.get(2)).contains("autoj.tokenizer", "the folder has no tokenizer.json");
        assertThat(messages.get(3)).contains("autoj.context-window", "applies to a remote judge", "autoj.backend=remote");
    }

    @Test
    void aRemoteSpecCountsAgainstAuto_JsWindowByDefault() {
        JudgeSpec spec = JudgeSpec.builder().endpoints(List.of(java.net.URI.create("http://judge:8000"))).build();

        assertThat(spec.contextWindow()).isEqualTo(4096);
        assertThat(JudgeSpec.describe(spec, Setting.CONTEXT_WINDOW)).hasValue("4096");
        assertThat(Setting.TOKENIZER.property()).isEqualTo("autoj.tokenizer");
        assertThat(Setting.CONTEXT_WINDOW.environment()).isEqualTo("AUTOJ_CONTEXT_WINDOW");
    }

    @Test
    void theDefaultWindowIsTheJudgeFamilys() {
        JudgeSpec.Builder remote = JudgeSpec.builder().endpoints(List.of(java.net.URI.create("http://judge:8000")));
        JudgeSpec prometheus = remote.modelName("prometheus-eval/prometheus-7b-v2.0").build();

        assertThat(prometheus.contextWindow()).isEqualTo(32768);
        assertThat(prometheus.toBuilder().modelName("GAIR/autoj-13b").build().contextWindow())
                .as("a copy that changes the model gets the new family's window, not the old one's as if given")
                .isEqualTo(4096);
        assertThat(prometheus.toBuilder().contextWindow(8192).build().toBuilder().modelName("GAIR/autoj-13b").build()
                .contextWindow()).as("a window that was given is kept").isEqualTo(8192);
        assertThat(JudgeSpec.builder().backend(JudgeSpec.BackendKind.ONNX).mode(StoreMode.REPLAY)
                .storeDir(Path.of("store")).modelName("prometheus-eval/prometheus-7b-v2.0").build().contextWindow())
                .as("the embedded engine is not refused for the family's own default").isEqualTo(32768);
    }
}
