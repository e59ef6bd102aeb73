package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.assertions.fixtures.Testbed;
import dev.autoj.assertions.fixtures.Testbed.SingleItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A grading made only for {@code critique()} is reported like any other judgment: summary and Allure step. */
class CritiqueReportTest {

    @TempDir
    Path dir;

    @ExtendWith(OnlyInTestKit.class)
    static class CritiqueOnly {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(TestJudges::create);

        @Test
        void critiqueMentionsTagalog() {
            SingleItem item = Testbed.single(128);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).critique().contains("Tagalog");
        }
    }

    @Test
    void theGradingBehindCritiqueIsInTheSummary() throws IOException {
        Testbed.single(0);
        Launches.launch(dir, Map.of(), CritiqueOnly.class).testEvents().assertStatistics(s -> s.succeeded(1));

        JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(json.get("totals").get("judgments").asInt()).isEqualTo(1);
        JsonNode entry = json.get("tests").get(0).get("judgments").get(0);
        assertThat(entry.get("assertion").asText()).isEqualTo("critique");
        assertThat(entry.get("rating").asDouble()).isEqualTo(7.0);
        assertThat(Files.readString(dir.resolve("summary.md")))
                .contains("| CritiqueReportTest.CritiqueOnly › critiqueMentionsTagalog() | ✅ passed | critique: rating 7 (text_to_text_translation) |");
    }

    @Test
    void theGradingBehindCritiqueIsAnAllureStepWithTheCritique() throws IOException {
        Testbed.single(0);
        Path results = dir.resolve("allure-results");
        AllureResultsTest.runWithAllure(results, CritiqueOnly.class, 1);

        JsonNode test = AllureResultsTest.testResult(results, "critiqueMentionsTagalog");
        assertThat(test.get("steps").get(0).get("name").asText()).isEqualTo("Auto-J critique: rating 7 — passed");
        assertThat(AllureResultsTest.attachment(results, test, "critique")).isEqualTo(Testbed.single(128).publishedOutput().strip());
    }
}
