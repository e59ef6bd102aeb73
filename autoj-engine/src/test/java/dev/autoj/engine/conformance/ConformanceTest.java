package dev.autoj.engine.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Language;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.remote.RemoteBackend;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance check through the real remote back end against {@link GoldenServer}: single
 * items answered with Auto-J-13B's published judgments, pairwise items with renderings of its
 * published verdict labels (see there).
 */
class ConformanceTest {

    private static final GoldenSet GOLDEN = GoldenSet.load();
    private static final int CASES = GOLDEN.pairs().size() * 2 + GOLDEN.singles().size();
    /** One golden pair shows the same answer twice, so both its orders are one prompt, sent once. */
    private static final int PROMPTS = CASES - (int) GOLDEN.pairs().stream().filter(p -> p.response1().equals(p.response2())).count();

    @Test
    void aServerAnsweringAsAutoJPublishedConformsExactly() throws Exception {
        try (GoldenServer server = GoldenServer.faithful(); Judge judge = live(server.backend())) {
            ConformanceReport report = Conformance.check(judge);

            assertThat(report.conforms()).as(report.describe()).isTrue();
            assertThat(report.cases()).hasSize(CASES).allMatch(CaseResult::exact);
            assertThat(report.differences()).isEmpty();
            assertThat(report.exactRatingShare()).isEqualTo(1.0);
            assertThat(report.answeredFromStore()).isZero();
            int verdicts = GOLDEN.pairs().size() * 2;
            assertThat(report.describe()).startsWith("The judge reproduces Auto-J on the golden set: " + verdicts + " of "
                    + verdicts + " pairwise verdicts match");
            assertThat(server.requests()).hasSize(PROMPTS)
                    .allSatisfy(r -> assertThat(r.path("temperature").asInt(-1)).isZero());
        }
    }

    @Test
    void strictModeStopsAWrongJudgeNamingEachDifferingCase() throws Exception {
        try (GoldenServer server = GoldenServer.wrong(); RemoteBackend backend = server.backend()) {
            assertThatThrownBy(() -> Conformance.beforeFirstJudgment(backend, StoreMode.RECORD, ConformanceMode.STRICT))
                    .isInstanceOfSatisfying(ConformanceException.class, e -> {
                        assertThat(e.getMessage()).startsWith("judge does not reproduce Auto-J: " + expectedWrongIds().size()
                                + " of " + CASES + " golden cases differ");
                        assertThat(e.report().differences()).extracting(CaseResult::id)
                                .containsExactlyElementsOf(expectedWrongIds());
                        GoldenSet.Pair flipped = GOLDEN.pairs().stream()
                                .filter(p -> p.original() == Verdict.RESPONSE_1).findFirst().orElseThrow();
                        CaseResult shown = e.report().cases().stream()
                                .filter(c -> c.id().equals("pairwise line " + flipped.line() + ", original order")).findFirst().orElseThrow();
                        assertThat(e.getMessage()).contains("pairwise line " + flipped.line() + ", original order ["
                                + flipped.scenario().id() + "] \"" + shown.queryPreview() + "\": expected Response 1, got Response 2");
                    });
        }
    }

    @Test
    void warnModeLetsAWrongJudgeRunAndReturnsTheDifferences() throws Exception {
        try (GoldenServer server = GoldenServer.wrong(); RemoteBackend backend = server.backend()) {
            ConformanceReport report = Conformance.beforeFirstJudgment(backend, StoreMode.LIVE, ConformanceMode.WARN).orElseThrow();

            assertThat(report.conforms()).isFalse();
            assertThat(report.differences()).extracting(CaseResult::id).containsExactlyElementsOf(expectedWrongIds());
            assertThat(report.describe()).startsWith("The judge does not reproduce Auto-J on the golden set");
            // The check lent the back end to its own judge without closing it: the run can still judge.
            GoldenSet.Single first = GOLDEN.singles().get(0);
            assertThat(backend.generate(List.of(new GenerationRequest(
                    PromptBuilder.single(Language.EN, first.query(), first.response()).text(), 1024)))).hasSize(1);
        }
    }

    @Test
    void offAndReplayModesSkipTheCheckWithoutAskingTheServer() throws Exception {
        try (GoldenServer server = GoldenServer.wrong(); RemoteBackend backend = server.backend()) {
            assertThat(Conformance.beforeFirstJudgment(backend, StoreMode.RECORD, ConformanceMode.OFF)).isEmpty();
            assertThat(Conformance.beforeFirstJudgment(backend, StoreMode.REPLAY, ConformanceMode.STRICT)).isEmpty();
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void oneRatingOffByOneIsWithinTheDefaultToleranceButNotAnExactOne() throws Exception {
        GoldenSet.Single five = GOLDEN.singles().stream().filter(s -> s.rating() == 5).findFirst().orElseThrow();
        GoldenSet.Single four = GOLDEN.singles().stream().filter(s -> s.rating() == 4).findFirst().orElseThrow();
        try (GoldenServer server = GoldenServer.faithfulExcept(Map.of(five.line(), four.line()));
                Judge judge = live(server.backend())) {
            ConformanceReport lenient = Conformance.check(judge);
            ConformanceReport exact = Conformance.check(judge, new Tolerance(0, 1.0));

            assertThat(lenient.conforms()).as(lenient.describe()).isTrue();
            assertThat(lenient.exactRatingShare()).isEqualTo((GOLDEN.singles().size() - 1.0) / GOLDEN.singles().size());
            assertThat(exact.conforms()).isFalse();
            assertThat(exact.differences()).singleElement().satisfies(c -> {
                assertThat(c.id()).isEqualTo("single line " + five.line());
                assertThat(c.expected()).isEqualTo("rating 5");
                assertThat(c.got()).isEqualTo("rating 4");
            });
        }
    }

    @Test
    void aRecordingJudgeAnsweringFromItsStoreSaysTheModelWasNotChecked(@TempDir Path dir) throws Exception {
        try (GoldenServer server = GoldenServer.faithful();
                Judge judge = Judges.builder().backend(server.backend()).store(JudgmentStore.open(dir)).mode(StoreMode.RECORD).build()) {
            Conformance.check(judge);
            ConformanceReport second = Conformance.check(judge);

            assertThat(second.answeredFromStore()).isEqualTo(CASES);
            assertThat(second.describe()).contains("Note: " + CASES + " of " + CASES + " answers came from the judgment store");
            assertThat(server.requests()).hasSize(PROMPTS);
        }
    }

    @Test
    void theRunsCheckAsksTheModelEachTimeEvenInRecordMode() throws Exception {
        try (GoldenServer server = GoldenServer.faithful(); RemoteBackend backend = server.backend()) {
            ConformanceReport first = Conformance.beforeFirstJudgment(backend, StoreMode.RECORD, ConformanceMode.STRICT).orElseThrow();
            ConformanceReport second = Conformance.beforeFirstJudgment(backend, StoreMode.RECORD, ConformanceMode.STRICT).orElseThrow();

            assertThat(server.requests()).hasSize(2 * PROMPTS);
            assertThat(first.answeredFromStore()).isZero();
            assertThat(second.answeredFromStore()).isZero();
        }
    }

    @Test
    void toleranceOutsideItsRangeIsRefusedWithTheRange() {
        assertThatThrownBy(() -> new Tolerance(-1, 0.5)).hasMessageContaining("ratingDistance must be 0–9");
        assertThatThrownBy(() -> new Tolerance(1, 1.5)).hasMessageContaining("minExactRatingShare must be between 0 and 1");
    }

    @Test
    void modeNamesParseInAnyCaseAndAnUnknownOneListsTheChoices() {
        assertThat(ConformanceMode.parse(" Warn ")).isEqualTo(ConformanceMode.WARN);
        assertThatThrownBy(() -> ConformanceMode.parse("strcit"))
                .hasMessage("Unknown conformance mode 'strcit' (autoj.conformance); use one of strict, warn, off");
    }

    /**
     * What {@link GoldenServer#wrong()} must make differ, worked out from the golden set: each order of
     * every non-tie pair; and since the shifted critiques leave too few exact ratings, every inexact rating.
     */
    private static List<String> expectedWrongIds() {
        List<String> ids = new ArrayList<>();
        for (GoldenSet.Pair p : GOLDEN.pairs()) {
            if (p.original() != p.swapped()) {
                ids.add("pairwise line " + p.line() + ", original order");
                ids.add("pairwise line " + p.line() + ", swapped order");
            }
        }
        List<GoldenSet.Single> singles = GOLDEN.singles();
        for (int i = 0; i < singles.size(); i++) {
            if (singles.get((i + 1) % singles.size()).rating() != singles.get(i).rating()) {
                ids.add("single line " + singles.get(i).line());
            }
        }
        return ids;
    }

    private static Judge live(RemoteBackend backend) {
        return Judges.builder().backend(backend).mode(StoreMode.LIVE).build();
    }
}
