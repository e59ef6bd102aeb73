package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.assertions.PositionPolicy;
import dev.autoj.assertions.fixtures.Testbed;
import dev.autoj.assertions.fixtures.Testbed.PairwiseItem;
import dev.autoj.assertions.fixtures.Testbed.SingleItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The run summary of a launch whose outcomes are known from the published Auto-J outputs. */
class RunSummaryTest {

    @TempDir
    Path summaryDir;

    @ExtendWith(OnlyInTestKit.class)
    static class KnownOutcomes {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(TestJudges::create);

        @Test
        void a_preferredInBothOrders() {
            PairwiseItem item = Testbed.pair(69);
            assertThatResponse(item.response1()).forQuery(item.query()).inScenario(item.scenario()).isPreferredOver(item.response2());
        }

        @Test
        void b_positionBiasAcceptedUnderEither() {
            PairwiseItem item = Testbed.pair(116);
            assertThatResponse(item.response1()).forQuery(item.query()).inScenario(item.scenario())
                    .withPositionPolicy(PositionPolicy.EITHER).isPreferredOver(item.response2());
        }

        @Test
        void c_lowRating() {
            SingleItem item = Testbed.single(122);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(7);
        }

        @Test
        void d_noVerdict() {
            SingleItem item = Testbed.single(185);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(1);
        }
    }

    @Test
    void summaryJsonAndMarkdownDescribeTheLaunch() throws IOException {
        Testbed.single(0);
        Launches.launch(summaryDir, Map.of(), KnownOutcomes.class).testEvents()
                .assertStatistics(s -> s.succeeded(2).failed(2));

        JsonNode json = new ObjectMapper().readTree(summaryDir.resolve("summary.json").toFile());
        assertThat(json.get("format").asText()).isEqualTo("autoj-summary/1");
        JsonNode totals = json.get("totals");
        assertThat(totals.get("tests").asInt()).isEqualTo(4);
        assertThat(totals.get("passed").asInt()).isEqualTo(2);
        assertThat(totals.get("failed").asInt()).isEqualTo(2);
        assertThat(totals.get("judgments").asInt()).isEqualTo(4);
        assertThat(totals.get("comparisons").asInt()).isEqualTo(2);
        assertThat(totals.get("position_flips").asInt()).isEqualTo(1);
        assertThat(totals.get("position_flip_rate").asDouble()).isEqualTo(0.5);
        assertThat(totals.get("no_verdicts").asInt()).isEqualTo(1);
        // Every judgment comes from Auto-J's published outputs, answered as the store replays them: 2 single, 2 × 2 pairwise.
        assertThat(totals.get("replay_hits").asInt()).isEqualTo(6);
        assertThat(totals.get("replay_misses").asInt()).isZero();
        assertThat(totals.get("judge_time_ms").asLong()).isNotNegative();

        JsonNode tests = json.get("tests");
        assertThat(tests).hasSize(4);
        JsonNode preferred = tests.get(0);
        assertThat(preferred.get("name").asText()).isEqualTo("a_preferredInBothOrders()");
        assertThat(preferred.get("class").asText()).isEqualTo(KnownOutcomes.class.getName());
        assertThat(preferred.get("status").asText()).isEqualTo("passed");
        JsonNode comparison = preferred.get("judgments").get(0);
        assertThat(comparison.get("verdicts").toString()).isEqualTo("[\"RESPONSE_1\",\"RESPONSE_2\"]");
        assertThat(comparison.get("combined").asText()).isEqualTo("RESPONSE_1");
        assertThat(comparison.get("consistent").asBoolean()).isTrue();
        assertThat(comparison.get("scenario").asText()).isEqualTo("language_polishing");

        JsonNode biased = tests.get(1).get("judgments").get(0);
        assertThat(biased.get("verdicts").toString()).isEqualTo("[\"RESPONSE_1\",\"RESPONSE_1\"]");
        assertThat(biased.get("combined").asText()).isEqualTo("TIE");
        assertThat(biased.get("position_policy").asText()).isEqualTo("either");
        assertThat(biased.get("passed").asBoolean()).isTrue();

        JsonNode low = tests.get(2);
        assertThat(low.get("status").asText()).isEqualTo("failed");
        assertThat(low.get("judgments").get(0).get("rating").asDouble()).isEqualTo(1.0);

        JsonNode noVerdict = tests.get(3).get("judgments").get(0);
        assertThat(noVerdict.get("rating").isNull()).isTrue();
        assertThat(noVerdict.get("no_verdict").asText()).isNotBlank();

        String md = Files.readString(summaryDir.resolve("summary.md"));
        assertThat(md).startsWith("## Auto-J judged tests\n")
                .contains("4 tests: 2 passed, 2 failed · 4 judgments · position flips 1 of 2 comparisons (50.0%) · 1 no-verdict")
                .contains("replay 6 hits, 0 misses")
                .contains("| RunSummaryTest.KnownOutcomes › c_lowRating() | ❌ failed | scoresAtLeast: rating 1 (writing_song_lyrics) ✗ |")
                .contains("| RunSummaryTest.KnownOutcomes › b_positionBiasAcceptedUnderEither() | ✅ passed | "
                        + "isPreferredOver: response preferred when the response is shown first, baseline preferred when it is"
                        + " shown second: position flip (writing_news_article) |");
    }
}
