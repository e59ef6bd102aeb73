package dev.autoj.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.internal.PublishedOutputsBackend;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.testing.AnsweringBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The judge over a back end that answers with Auto-J-13B's published outputs for the exact prompts. */
class JudgesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Judge judgeOver(Backend backend) {
        return Judges.builder().backend(backend).build();
    }

    @Test
    void gradingTestbedItem0ReturnsAutoJsPublishedRatingAndCritique() {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        AutoJTestbed.SingleItem item = backend.items().get(0);
        try (Judge judge = judgeOver(backend)) {
            Judgment j = judge.grade(item.query(), item.response(), item.scenario());

            assertThat(j.rating()).isEqualTo(6.0);
            assertThat(j.critique()).isEqualTo(item.output().strip()).startsWith("The response, while capturing the essence");
            assertThat(j.rawOutput()).isEqualTo(item.output());
            assertThat(j.protocol()).isEqualTo(Protocol.SINGLE);
            assertThat(j.scenario()).isEqualTo(Scenario.POST_SUMMARIZATION);
            assertThat(j.promptSha256()).isEqualTo(PromptBuilder.single(Language.EN, item.query(), item.response()).sha256());
            assertThat(j.modelId()).isEqualTo("GAIR/autoj-13b");
            assertThat(j.backend()).isEqualTo("published-outputs");
            assertThat(j.source()).isEqualTo("live:published-outputs");
            assertThat(backend.batches).hasSize(1);
            assertThat(backend.batches.get(0).get(0).maxNewTokens()).isEqualTo(1024);
        }
    }

    @Test
    void gradingTestbedItem185IsANoVerdictNotANumber() {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        AutoJTestbed.SingleItem item = backend.items().get(185);
        try (Judge judge = judgeOver(backend)) {
            Judgment j = judge.grade(item.query(), item.response(), item.scenario());

            assertThat(j.isNoVerdict()).isTrue();
            assertThat(j.rating()).isNull();
            assertThat(j.noVerdictReason()).contains("Rating: [[n]]");
        }
    }

    @Test
    void gradeAllSendsEveryPromptInOneBatchAndAnswersInRequestOrder() {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        List<Judge.GradeRequest> requests = backend.items().stream()
                .map(i -> new Judge.GradeRequest(i.query(), i.response(), i.scenario())).toList();
        try (Judge judge = judgeOver(backend)) {
            List<Judgment> judgments = judge.gradeAll(requests);

            assertThat(backend.batches).hasSize(1);
            assertThat(backend.batches.get(0)).hasSize(232);
            assertThat(judgments).hasSize(232);
            for (int i = 0; i < 232; i++) {
                assertThat(judgments.get(i).rawOutput()).isEqualTo(backend.items().get(i).output());
            }
            assertThat(judgments).filteredOn(Judgment::isNoVerdict).hasSize(1);
            assertThat(judgments.get(185).isNoVerdict()).isTrue();
        }
    }

    @Test
    void compareAllSendsBothOrdersOfEveryPairInOneBatchAsTheOriginalPromptBuilderWouldOrderThem() throws IOException {
        List<AutoJTestbed.PairwiseItem> items = AutoJTestbed.pairwise(SharedFiles.testbed("testdata_pairwise.jsonl").getParent())
                .subList(0, 3);
        List<String> reference = referencePrompts(n -> n.path("kind").asText().equals("pairwise") && n.path("line").asInt() <= 3);
        List<List<GenerationRequest>> batches = new CopyOnWriteArrayList<>();
        Backend refusing = new CapturingBackend(batches, "the testbed publishes no pairwise judge texts");
        try (Judge judge = judgeOver(refusing)) {
            List<Judge.CompareRequest> requests = items.stream()
                    .map(i -> new Judge.CompareRequest(i.query(), i.response1(), i.response2(), i.scenario())).toList();

            assertThatThrownBy(() -> judge.compareAll(requests))
                    .isInstanceOf(BackendException.class).hasMessageContaining("publishes no pairwise");
        }
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0)).extracting(GenerationRequest::prompt).containsExactlyElementsOf(reference);
    }

    @Test
    void aLengthStopWithoutAVerdictIsReportedAsTruncation() {
        // Item 185's published output is a degenerate loop without a rating: what a run that hit
        // the token budget looks like. The back end reports the stop as LENGTH.
        PublishedOutputsBackend published = new PublishedOutputsBackend();
        AutoJTestbed.SingleItem item = published.items().get(185);
        try (Judge judge = judgeOver(restop(published, StopReason.LENGTH, 1024))) {
            Judgment j = judge.grade(item.query(), item.response(), item.scenario());

            assertThat(j.noVerdictReason()).startsWith("judge output truncated at 1024 tokens (finish_reason length)");
            assertThat(j.critique()).isEqualTo(item.output().strip());
        }
    }

    @Test
    void aLengthStopAfterTheVerdictKeepsTheVerdict() {
        PublishedOutputsBackend published = new PublishedOutputsBackend();
        AutoJTestbed.SingleItem item = published.items().get(0);
        try (Judge judge = judgeOver(restop(published, StopReason.LENGTH, 1024))) {
            assertThat(judge.grade(item.query(), item.response(), item.scenario()).rating()).isEqualTo(6.0);
        }
    }

    @Test
    void aRepetitionStopIsANoVerdictNamingTheLoop() {
        PublishedOutputsBackend published = new PublishedOutputsBackend();
        AutoJTestbed.SingleItem item = published.items().get(185);
        try (Judge judge = judgeOver(restop(published, StopReason.REPETITION, 700))) {
            Judgment j = judge.grade(item.query(), item.response(), item.scenario());

            assertThat(j.noVerdictReason()).contains("repetition loop").contains("700 generated tokens");
        }
    }

    @Test
    void nullAndBlankInputsAreRejectedNamingTheArgument() {
        try (Judge judge = judgeOver(new PublishedOutputsBackend())) {
            assertThatThrownBy(() -> judge.grade(" ", "r", Scenario.DEFAULT))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("query must not be blank");
            assertThatThrownBy(() -> judge.compare("q", "a", null, Scenario.DEFAULT))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("response2 must not be null");
            assertThatThrownBy(() -> judge.gradeAll(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requests must not be null");
            assertThatThrownBy(() -> judge.classify(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("query must not be null");
        }
    }

    @Test
    void emptyBatchesNeedNoBackEndCall() {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        try (Judge judge = judgeOver(backend)) {
            assertThat(judge.gradeAll(List.of())).isEmpty();
            assertThat(judge.compareAll(List.of())).isEmpty();
            assertThat(backend.batches).isEmpty();
        }
    }

    @Test
    void concurrentCallersEachGetTheirOwnJudgments() throws Exception {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Judge judge = judgeOver(backend)) {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (AutoJTestbed.SingleItem item : backend.items()) {
                tasks.add(() -> judge.grade(item.query(), item.response(), item.scenario()).rawOutput().equals(item.output()));
            }
            for (Future<Boolean> f : pool.invokeAll(tasks)) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void classifySendsTheRawClassifierPromptWithA30TokenBudget() throws IOException {
        List<String> reference = referencePrompts(n -> n.path("kind").asText().equals("scenario_classification")
                && n.path("line").asInt() == 1);
        JsonNode first = JSON.readTree(Files.readAllLines(SharedFiles.testbed("scenario_classifier_testdata.jsonl")).get(0));
        List<List<GenerationRequest>> batches = new CopyOnWriteArrayList<>();
        try (Judge judge = Judges.builder().backend(new PublishedOutputsBackend())
                .classifier(new CapturingBackend(batches, "no classifier outputs are published")).build()) {
            String query = PromptBuilder.classifierQuery(first.get("instruction").asText(), first.get("input").asText());

            assertThatThrownBy(() -> judge.classify(query)).isInstanceOf(BackendException.class);
        }
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0)).extracting(GenerationRequest::prompt).containsExactlyElementsOf(reference);
        assertThat(batches.get(0).get(0).maxNewTokens()).isEqualTo(30);
    }

    @Test
    void aClassifierAnswerThatNamesAScenarioIsThatScenario() {
        // The classifier here answers with the scenario the testbed labels the query with.
        try (Judge judge = Judges.builder().backend(new PublishedOutputsBackend())
                .classifier(answering(prompt -> "  code_generation\n")).build()) {
            assertThat(judge.classify("Write a Python function that reverses a list.")).isEqualTo(Scenario.CODE_GENERATION);
        }
    }

    @Test
    void aClassifierAnswerThatIsNotAScenarioMapsToDefaultWithAWarning() {
        // A classifier that answers with a scenario's description (from scenarios.json) instead of its name.
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (Judge judge = Judges.builder().backend(new PublishedOutputsBackend())
                .classifier(answering(prompt -> Scenario.CODE_GENERATION.description())).onWarning(warnings::add).build()) {
            assertThat(judge.classify("Write a Python function that reverses a list.")).isEqualTo(Scenario.DEFAULT);
        }
        assertThat(warnings).singleElement().asString()
                .contains("not one of the 60 scenario names").contains(Scenario.CODE_GENERATION.description());
    }

    @Test
    void aRequestWithoutScenarioIsJudgedInTheClassifiedScenario() {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        AutoJTestbed.SingleItem item = backend.items().get(0);
        try (Judge judge = Judges.builder().backend(backend).classifier(answering(prompt -> item.scenario().id())).build()) {
            Judgment j = judge.gradeAll(List.of(new Judge.GradeRequest(item.query(), item.response(), null))).get(0);

            assertThat(j.scenario()).isEqualTo(item.scenario());
            assertThat(j.rating()).isEqualTo(6.0);
        }
    }

    @Test
    void withoutAClassifierAMissingScenarioIsDefaultAndClassifyIsUnsupported() {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        AutoJTestbed.SingleItem item = backend.items().get(0);
        try (Judge judge = judgeOver(backend)) {
            assertThat(judge.gradeAll(List.of(new Judge.GradeRequest(item.query(), item.response(), null))).get(0).scenario())
                    .isEqualTo(Scenario.DEFAULT);
            assertThatThrownBy(() -> judge.classify("a query"))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("classifier(backend)");
        }
    }

    @Test
    void theBuilderNamesWhatIsMissing() {
        assertThatThrownBy(() -> Judges.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a back end");
        assertThatThrownBy(() -> Judges.builder().mode(dev.autoj.engine.store.StoreMode.REPLAY).modelId("m").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a judgment store");
        // Built outside the lambdas so that, without ../shared, the test is skipped instead of catching the skip.
        PublishedOutputsBackend published = new PublishedOutputsBackend();
        assertThatThrownBy(() -> Judges.builder().backend(published).modelId("other/model").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differs from the backend back end's model id");
        assertThatThrownBy(() -> Judges.builder().backend(published).maxNewTokens(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxNewTokens must be at least 1");
    }

    static List<String> referencePrompts(java.util.function.Predicate<JsonNode> which) throws IOException {
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(SharedFiles.testbed("reference_prompts.jsonl"))) {
            JsonNode node = JSON.readTree(line);
            if (which.test(node)) {
                texts.add(node.get("text").asText());
            }
        }
        return texts;
    }

    /** Reports a different stop reason and token count for the published outputs. */
    private static Backend restop(Backend published, StopReason stop, int tokens) {
        return new Backend() {
            @Override
            public String name() {
                return published.name();
            }

            @Override
            public String modelId() {
                return published.modelId();
            }

            @Override
            public List<Generation> generate(List<GenerationRequest> requests) {
                return published.generate(requests).stream()
                        .map(g -> new Generation(g.text(), stop, -1, tokens, Duration.ZERO)).toList();
            }
        };
    }

    private static Backend answering(Function<String, String> answer) {
        return new AnsweringBackend("classifier", "GAIR/autoj-scenario-classifier", answer);
    }

    /** Records the batch it is sent, then fails: for checking what reaches a back end. */
    private record CapturingBackend(List<List<GenerationRequest>> batches, String refusal) implements Backend {
        @Override
        public String name() {
            return "capturing";
        }

        @Override
        public String modelId() {
            return "GAIR/autoj-13b";
        }

        @Override
        public List<Generation> generate(List<GenerationRequest> requests) {
            batches.add(List.copyOf(requests));
            throw new BackendException(refusal);
        }
    }
}
