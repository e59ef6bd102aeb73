package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.assertions.fixtures.SharedFiles;
import dev.autoj.assertions.fixtures.Testbed;
import dev.autoj.assertions.fixtures.Testbed.PairwiseItem;
import dev.autoj.assertions.fixtures.Testbed.SingleItem;
import dev.autoj.engine.Judge;
import dev.autoj.engine.internal.TestbedImport;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.ReplayMissException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * The path a user takes: {@code @AutoJ} with {@code autoj.mode=replay} over a judgment store into
 * which the published Auto-J outputs were imported by the engine's {@code store import-testbed} code.
 */
class ReplayStoreLaunchTest {

    @TempDir
    static Path store;

    @TempDir
    Path summaryDir;

    @BeforeAll
    static void importPublishedOutputs() {
        Path testbed = SharedFiles.testbed("testdata_pairwise.jsonl").getParent();
        TestbedImport.run(testbed, JudgmentStore.open(store), Instant.parse("2024-01-01T00:00:00Z"));
    }

    @AutoJ
    @ExtendWith(OnlyInTestKit.class)
    static class ReplayedFromTheStore {
        @Test
        void scoresSeven(Judge judge) {
            SingleItem item = Testbed.single(128);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(7)
                    .critique().contains("Tagalog").endsWith("Rating: [[7]]");
        }

        @Test
        void preferredInBothOrders() {
            PairwiseItem item = Testbed.pair(69);
            assertThatResponse(item.response1()).forQuery(item.query()).inScenario(item.scenario()).isPreferredOver(item.response2());
        }

        @Test
        void noVerdict() {
            SingleItem item = Testbed.single(185);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(1);
        }

        @Test
        void neverRecorded() {
            SingleItem item = Testbed.single(128);
            assertThatResponse(item.response() + " (edited)").forQuery(item.query()).scoresAtLeast(7);
        }
    }

    @Test
    void replayedJudgmentsPassFailAndMissAsRecordedAndTheSummaryCountsThem() throws IOException {
        EngineExecutionResults results = Launches.launch(summaryDir,
                Map.of("autoj.mode", "replay", "autoj.store.dir", store.toString(), "autoj.report", "junit"),
                ReplayedFromTheStore.class);
        results.testEvents().assertStatistics(s -> s.started(4).succeeded(2).failed(2));
        results.testEvents().failed().assertEventsMatchLoosely(
                event(test("noVerdict"), finishedWithFailure(instanceOf(AssertionError.class),
                        message(m -> m.contains("but the judge gave no verdict:")))),
                event(test("neverRecorded"), finishedWithFailure(instanceOf(ReplayMissException.class),
                        message(m -> m.startsWith("Replay miss:") && m.contains("-Dautoj.mode=record")))));

        JsonNode totals = new ObjectMapper().readTree(summaryDir.resolve("summary.json").toFile()).get("totals");
        // 128 once, 69 in both orders, 185 once: four replayed judgments; one miss.
        assertThat(totals.get("replay_hits").asInt()).isEqualTo(4);
        assertThat(totals.get("replay_misses").asInt()).isEqualTo(1);
        assertThat(totals.get("no_verdicts").asInt()).isEqualTo(1);
    }
}
