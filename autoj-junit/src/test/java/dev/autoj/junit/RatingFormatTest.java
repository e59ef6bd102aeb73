package dev.autoj.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.assertions.JudgmentReport;
import dev.autoj.assertions.PositionPolicy;
import dev.autoj.assertions.fixtures.PrintedValues;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rating prints as the failure message prints it (autoj-assertions' RatingFormatTest): 7.25 is
 * {@code 7.25} in the Allure step's title and parameter, in summary.md and in summary.json.
 */
class RatingFormatTest {

    @Test
    void aQuarterRatingPrintsWithBothDecimalsInTheAllureStepAndTheSummary() {
        Judgment judgment = PrintedValues.rating(7.25);
        JudgmentReport report = new JudgmentReport("scoresAtLeast", "score at least 8", PrintedValues.QUERY,
                PrintedValues.RESPONSE, null, Scenario.DEFAULT, Language.EN, PositionPolicy.BOTH, null, judgment, false,
                "rated 7.25");
        TestRecord test = new TestRecord("[engine:junit-jupiter]/[class:com.example.T]/[method:rated()]", "com.example.T", "rated()");
        test.judgments.add(report);
        test.status = TestRecord.Status.FAILED;

        SummaryWriter summary = new SummaryWriter(List.of(test), 0, 0);

        assertThat(JudgmentReporter.title(report)).isEqualTo("Auto-J scoresAtLeast: rating 7.25 — FAILED");
        assertThat(AllureReporter.parameters(report, List.of())).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("rating");
            assertThat(p.getValue()).isEqualTo("7.25");
        });
        assertThat(summary.markdown()).contains("| T › rated() | ❌ failed | scoresAtLeast: rating 7.25 (default) ✗ |");
        assertThat(summary.document().toJson()).contains("\"rating\" : 7.25");
    }
}
