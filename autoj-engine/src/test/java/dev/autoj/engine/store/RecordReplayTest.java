package dev.autoj.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.engine.internal.PublishedOutputsBackend;
import dev.autoj.engine.testing.AnsweringBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The judge with a store, over a back end answering with Auto-J-13B's published outputs. */
class RecordReplayTest {

    @TempDir
    Path dir;

    private static List<Judge.GradeRequest> allSingleRequests(PublishedOutputsBackend backend) {
        return backend.items().stream().map(i -> new Judge.GradeRequest(i.query(), i.response(), i.scenario())).toList();
    }

    @Test
    void recordThenReplayGivesIdenticalJudgments() {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        List<Judge.GradeRequest> requests = allSingleRequests(backend);
        List<Judgment> recorded;
        try (Judge judge = Judges.builder().backend(backend).store(JudgmentStore.open(dir)).mode(StoreMode.RECORD).build()) {
            recorded = judge.gradeAll(requests);
        }
        List<Judgment> replayed;
        try (Judge judge = Judges.builder().modelId("GAIR/autoj-13b").store(JudgmentStore.open(dir)).mode(StoreMode.REPLAY).build()) {
            replayed = judge.gradeAll(requests);
        }

        assertThat(JudgmentStore.open(dir).files()).hasSize(232);
        assertThat(replayed).hasSize(232);
        for (int i = 0; i < 232; i++) {
            Judgment live = recorded.get(i);
            Judgment back = replayed.get(i);
            assertThat(back).usingRecursiveComparison().ignoringFields("provenance", "latency").isEqualTo(live);
            assertThat(live.source()).isEqualTo("live:published-outputs");
            assertThat(back.source()).isEqualTo("replay:live:published-outputs");
            assertThat(back.latency()).isEqualTo(Duration.ZERO);
        }
        assertThat(replayed.get(185).isNoVerdict()).isTrue();
        assertThat(JudgmentStore.open(dir).verify().ok()).isTrue();
    }

    @Test
    void recordModeAnswersRecordedPromptsFromTheStoreAndAsksTheBackEndOnlyForTheRest() {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        List<Judge.GradeRequest> requests = allSingleRequests(backend);
        try (Judge judge = Judges.builder().backend(backend).store(JudgmentStore.open(dir)).mode(StoreMode.RECORD).build()) {
            judge.gradeAll(requests.subList(0, 10));
            List<Judgment> all = judge.gradeAll(requests.subList(0, 20));

            assertThat(backend.batches).hasSize(2);
            assertThat(backend.batches.get(1)).hasSize(10);
            assertThat(all.subList(0, 10)).allSatisfy(j -> assertThat(j.source()).isEqualTo("replay:live:published-outputs"));
            assertThat(all.subList(10, 20)).allSatisfy(j -> assertThat(j.source()).isEqualTo("live:published-outputs"));
        }
    }

    @Test
    void liveModeNeverTouchesTheStore() {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        try (Judge judge = Judges.builder().backend(backend).store(JudgmentStore.open(dir.resolve("store")))
                .mode(StoreMode.LIVE).build()) {
            judge.gradeAll(allSingleRequests(backend).subList(0, 3));
        }
        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void aReplayMissNamesTheKeyShowsThePromptSaysHowToRecordAndNeverCallsTheBackEnd() {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        Judge.GradeRequest request = allSingleRequests(backend).get(0);
        String key = JudgmentStore.key("GAIR/autoj-13b", dev.autoj.engine.Protocol.SINGLE, dev.autoj.engine.Language.EN,
                dev.autoj.engine.protocol.PromptBuilder.single(dev.autoj.engine.Language.EN, request.query(), request.response()).text(), 1024);
        try (Judge judge = Judges.builder().backend(backend).store(JudgmentStore.open(dir)).mode(StoreMode.REPLAY).build()) {
            assertThatThrownBy(() -> judge.gradeAll(List.of(request)))
                    .isInstanceOf(ReplayMissException.class)
                    .hasMessageContaining("holds no judgment with key " + key)
                    .hasMessageContaining("Prompt: \"[INST] Write critiques for a submitted response")
                    .hasMessageContaining("-Dautoj.mode=record")
                    .hasMessageContaining("judge --mode record --store " + dir);
        }
        assertThat(backend.batches).isEmpty();
    }

    @Test
    void aJudgmentMissShowsWhichJudgedTextChangedAgainstTheNearestRecording() {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        List<Judge.GradeRequest> requests = allSingleRequests(backend);
        try (Judge judge = Judges.builder().backend(backend).store(JudgmentStore.open(dir)).mode(StoreMode.RECORD).build()) {
            judge.gradeAll(requests.subList(0, 5));
        }
        Judge.GradeRequest recorded = requests.get(2);
        String changedResponse = recorded.response() + "\nOne more line the new prompt added.";
        Judge.GradeRequest changed = new Judge.GradeRequest(recorded.query(), changedResponse, recorded.scenario());
        try (Judge judge = Judges.builder().modelId("GAIR/autoj-13b").store(JudgmentStore.open(dir)).mode(StoreMode.REPLAY).build()) {
            assertThatThrownBy(() -> judge.gradeAll(List.of(changed)))
                    .isInstanceOf(ReplayMissException.class)
                    .hasMessageContaining("The nearest recorded judgment of GAIR/autoj-13b")
                    .hasMessageContaining("differs in its judged texts:")
                    .hasMessageContaining("+One more line the new prompt added.")
                    .hasMessageContaining(" [response]")
                    .hasMessageNotContaining("-[query]");
        }
    }

    @Test
    void aDamagedFileFailsAReplayWithItsPath() throws Exception {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        Judge.GradeRequest request = allSingleRequests(backend).get(3);
        try (Judge judge = Judges.builder().backend(backend).store(JudgmentStore.open(dir)).mode(StoreMode.RECORD).build()) {
            judge.gradeAll(List.of(request));
        }
        Path file = JudgmentStore.open(dir).files().get(0);
        Files.writeString(file, Files.readString(file).replace("\"format\": \"autoj-judgment/1\",", ""));
        try (Judge judge = Judges.builder().modelId("GAIR/autoj-13b").store(JudgmentStore.open(dir)).build()) {
            assertThatThrownBy(() -> judge.gradeAll(List.of(request)))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("Damaged judgment file " + file)
                    .hasMessageContaining("\"format\" is missing");
        }
    }

    @Test
    void recordedJudgmentsCarryTheRequestTheStopReasonAndTheTimeButNoAbsolutePath() throws Exception {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        Judge.GradeRequest request = allSingleRequests(backend).get(0);
        Clock clock = Clock.fixed(Instant.parse("2026-02-03T04:05:06Z"), ZoneOffset.UTC);
        try (Judge judge = Judges.builder().backend(backend).store(JudgmentStore.open(dir)).clock(clock).build()) {
            judge.gradeAll(List.of(request));
        }
        StoredJudgment stored = JudgmentStore.open(dir).find(JudgmentStore.open(dir).files().get(0).getFileName().toString()
                .replace(".json", "")).orElseThrow();

        assertThat(stored.request()).containsEntry("query", request.query()).containsEntry("response", request.response())
                .containsEntry("scenario", "post_summarization");
        assertThat(stored.source()).isEqualTo("live:published-outputs");
        assertThat(stored.stopReason()).isEqualTo(StopReason.EOS);
        assertThat(stored.recordedAt()).isEqualTo(Instant.parse("2026-02-03T04:05:06Z"));
        assertThat(stored.result().rating()).isEqualTo(6.0);
        assertThat(Files.readString(JudgmentStore.open(dir).files().get(0))).doesNotContain(dir.toString());
    }

    @Test
    void classificationsAreRecordedAndReplayedWithTheClassifiersModelId() {
        // The classifier answers with the scenario the testbed labels the judged item with.
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        Judge.GradeRequest request = allSingleRequests(backend).get(0);
        Backend classifier = new AnsweringBackend("labelled", "GAIR/autoj-scenario-classifier", prompt -> request.scenario().id());
        try (Judge judge = Judges.builder().backend(backend).classifier(classifier).store(JudgmentStore.open(dir)).build()) {
            assertThat(judge.classify(request.query())).isEqualTo(Scenario.POST_SUMMARIZATION);
        }
        try (Judge judge = Judges.builder().modelId("GAIR/autoj-13b").classifierModelId("GAIR/autoj-scenario-classifier")
                .store(JudgmentStore.open(dir)).build()) {
            assertThat(judge.classify(request.query())).isEqualTo(Scenario.POST_SUMMARIZATION);
            assertThatThrownBy(() -> judge.classify("a query nobody classified"))
                    .isInstanceOf(ReplayMissException.class).hasMessageContaining("GAIR/autoj-scenario-classifier");
        }
        assertThat(JudgmentStore.open(dir).verify().ok()).isTrue();
    }
}
