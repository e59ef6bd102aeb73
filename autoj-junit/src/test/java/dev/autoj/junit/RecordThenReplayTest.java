package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.assertions.fixtures.Testbed;
import dev.autoj.assertions.fixtures.Testbed.SingleItem;
import dev.autoj.engine.store.JudgmentStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @AutoJ} end to end through the engine's remote back end: record against a loopback
 * completions server that answers with Auto-J-13B's published outputs, then replay the recorded
 * store with no server at all.
 */
class RecordThenReplayTest {

    @TempDir
    Path store;

    @TempDir
    Path summaries;

    @AutoJ
    @ExtendWith(OnlyInTestKit.class)
    static class Graded {
        @Test
        void translationScoresSeven() {
            SingleItem item = Testbed.single(128);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(7);
        }

        @Test
        void lyricsDoNot() {
            SingleItem item = Testbed.single(122);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(7);
        }
    }

    @Test
    void recordedJudgmentsReplayWithTheSameOutcomesAndNoServer() throws IOException {
        Testbed.single(0);
        try (PublishedCompletionsServer server = new PublishedCompletionsServer()) {
            // The server knows only single-response outputs, not the conformance golden set's pairs.
            Launches.launch(summaries.resolve("record"), Map.of("autoj.mode", "record", "autoj.endpoints", server.endpoint(),
                            "autoj.store.dir", store.toString(), "autoj.report", "junit", "autoj.conformance", "off"), Graded.class)
                    .testEvents().assertStatistics(s -> s.succeeded(1).failed(1));
            assertThat(server.requests()).isEqualTo(2);
        }
        assertThat(JudgmentStore.open(store).files()).hasSize(2);
        assertThat(JudgmentStore.open(store).verify().ok()).isTrue();
        JsonNode recorded = new ObjectMapper().readTree(summaries.resolve("record/summary.json").toFile());
        assertThat(recorded.get("tests").get(0).get("judgments").get(0).get("source").asText()).isEqualTo("live:remote");

        Launches.launch(summaries.resolve("replay"), Map.of("autoj.mode", "replay", "autoj.store.dir", store.toString(),
                        "autoj.report", "junit"), Graded.class)
                .testEvents().assertStatistics(s -> s.succeeded(1).failed(1));
        JsonNode replayed = new ObjectMapper().readTree(summaries.resolve("replay/summary.json").toFile());
        assertThat(replayed.get("totals").get("replay_hits").asInt()).isEqualTo(2);
        assertThat(replayed.get("tests").get(0).get("judgments").get(0).get("source").asText()).isEqualTo("replay:live:remote");
    }
}
