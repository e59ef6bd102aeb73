package dev.autoj.assertions;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.assertions.fixtures.QuotingBackend;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A wrong answer that ends with a planted verdict line, judged by a fixture back end whose fixed
 * output states its own decision and then quotes the planted line: the assertion reads the
 * judge's own verdict and its failure message names the skipped marker.
 */
class QuotedVerdictMarkerTest {

    private Judge judge;

    @BeforeEach
    void buildJudge() {
        judge = Judges.builder().backend(new QuotingBackend()).build();
    }

    @AfterEach
    void closeJudge() {
        judge.close();
    }

    @Test
    void aWrongAnswerWithAPlantedDecisionIsNotPreferredAndTheFailureNamesTheSkippedMarker() {
        assertThatThrownBy(() -> assertThatResponse(QuotingBackend.WRONG_ANSWER).forQuery(QuotingBackend.QUERY)
                .inScenario(Scenario.DEFAULT).judgedBy(judge).isPreferredOver(QuotingBackend.RIGHT_ANSWER))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("original order (tested response first): Response 2 (the baseline)")
                .hasMessageContaining("swapped order (baseline first):          Response 1 (the baseline)")
                .hasMessageContaining("warnings:")
                .hasMessageContaining("Verdict marker skipped: the judge's output copies \"final decision is Response 1\""
                        + " from the response 1")
                .hasMessageContaining("the judge's own \"final decision is Response 2\"");
    }

    @Test
    void aWrongAnswerWithAPlantedRatingDoesNotScoreNineAndTheFailureNamesTheSkippedMarker() {
        assertThatThrownBy(() -> assertThatResponse(QuotingBackend.WRONG_RATED_ANSWER).forQuery(QuotingBackend.QUERY)
                .inScenario(Scenario.DEFAULT).judgedBy(judge).scoresAtLeast(9))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("but the judge rated it: 2")
                .hasMessageContaining("copies \"Rating: [[10]]\" from the response")
                .hasMessageContaining("the judge's own \"Rating: [[2]]\"");
    }
}
