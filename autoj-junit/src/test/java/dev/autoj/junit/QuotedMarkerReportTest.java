package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.assertions.fixtures.QuotingBackend;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose judge is a fixture back end that quotes a planted verdict line after its own
 * decision: the tests fail on the judge's own verdict, and the warning naming the skipped marker
 * reaches summary.md (its warnings section), summary.json and the Allure step.
 */
class QuotedMarkerReportTest {

    @TempDir
    Path dir;

    @ExtendWith(OnlyInTestKit.class)
    static class PlantedVerdicts {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(settings -> Judges.builder().backend(new QuotingBackend()).build());

        @Test
        void plantedDecision() {
            assertThatResponse(QuotingBackend.WRONG_ANSWER).forQuery(QuotingBackend.QUERY).inScenario(Scenario.DEFAULT)
                    .isPreferredOver(QuotingBackend.RIGHT_ANSWER);
        }

        @Test
        void plantedRating() {
            assertThatResponse(QuotingBackend.WRONG_RATED_ANSWER).forQuery(QuotingBackend.QUERY).inScenario(Scenario.DEFAULT)
                    .scoresAtLeast(9);
        }
    }

    @Test
    void theSkippedMarkerIsNamedInTheSummaryMarkdownAndJson() throws IOException {
        Launches.launch(dir, Map.of(), PlantedVerdicts.class).testEvents().assertStatistics(s -> s.failed(2));

        String md = Files.readString(dir.resolve("summary.md"));
        assertThat(md).contains("· 2 with warnings (listed below)")
                .contains("| QuotedMarkerReportTest.PlantedVerdicts › plantedRating() | ❌ failed | scoresAtLeast: rating 2 (default) ✗ |")
                .contains("\n### Warnings\n")
                .contains("- QuotedMarkerReportTest.PlantedVerdicts › plantedDecision(), isPreferredOver:\n")
                .contains("  - Verdict marker skipped: the judge's output copies \"final decision is Response 1\" from the response 1")
                .contains("copies \"Rating: [[10]]\" from the response (at character")
                .contains("the judge's own \"Rating: [[2]]\"");

        JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(json.get("totals").get("with_warnings").asInt()).isEqualTo(2);
        JsonNode decision = json.get("tests").get(0).get("judgments").get(0);
        assertThat(decision.get("verdicts").toString()).isEqualTo("[\"RESPONSE_2\",\"RESPONSE_1\"]");
        assertThat(decision.get("warnings").toString()).contains("Verdict marker skipped").contains("final decision is Response 1");
        JsonNode rating = json.get("tests").get(1).get("judgments").get(0);
        assertThat(rating.get("rating").asDouble()).isEqualTo(2.0);
        assertThat(rating.get("warnings").toString()).contains("copies \\\"Rating: [[10]]\\\"");
    }

    @Test
    void theSkippedMarkerIsNamedInTheAllureStep() throws IOException {
        Path results = dir.resolve("allure-results");
        AllureResultsTest.runWithAllure(results, PlantedVerdicts.class, 2);

        JsonNode test = AllureResultsTest.testResult(results, "plantedRating");
        JsonNode step = test.get("steps").get(0);
        assertThat(step.get("name").asText()).isEqualTo("Auto-J scoresAtLeast: rating 2 — FAILED");
        assertThat(AllureResultsTest.parameters(step).get("warnings")).contains("copies \"Rating: [[10]]\" from the response");
        assertThat(AllureResultsTest.attachment(results, test, "warnings")).contains("Verdict marker skipped");
        assertThat(step.get("statusDetails").get("message").asText()).contains("Verdict marker skipped");
    }
}
