package dev.autoj.assertions;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static dev.autoj.assertions.AutoJAssertions.assertThatResponses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.assertions.fixtures.PublishedJudge;
import dev.autoj.assertions.fixtures.Testbed.PairwiseItem;
import dev.autoj.assertions.fixtures.Testbed.SingleItem;
import dev.autoj.assertions.fixtures.Testbed;
import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.store.ReplayMissException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The assertions against Auto-J-13B's published outputs (testbed items named by their 0-based
 * line). Pairwise items: 69 = response 1 wins in both orders; 116 = each order prefers the
 * response shown first (position bias); 318 = tie in both orders. Single items: 128 rated 7,
 * 122 rated 1, 185 a repetition loop with no rating; 38 and 39 answer one query, rated 4 and 6.
 */
class ResponseAssertTest {

    private static PublishedJudge judge;

    @BeforeAll
    static void loadPublishedOutputs() {
        judge = new PublishedJudge();
    }

    @Test
    void responsePreferredInBothOrdersPasses() {
        PairwiseItem item = Testbed.pair(69);
        assertThatResponse(item.response1()).forQuery(item.query()).inScenario(item.scenario()).judgedBy(judge)
                .isPreferredOver(item.response2());
    }

    @Test
    void losingResponseFailsWithTheVerdictOfEachOrderAndTheScenario() {
        PairwiseItem item = Testbed.pair(69);
        assertThatThrownBy(() -> assertThatResponse(item.response2()).forQuery(item.query()).inScenario(item.scenario())
                .judgedBy(judge).isPreferredOver(item.response1()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("to be preferred over the baseline:")
                .hasMessageContaining("position policy both")
                .hasMessageContaining("original order (tested response first): Response 2 (the baseline)")
                .hasMessageContaining("swapped order (baseline first):          Response 1 (the baseline)")
                .hasMessageContaining("orders consistent: yes")
                .hasMessageContaining("scenario: language_polishing (group Rewriting)")
                .hasMessageContaining("holds no critique text");
    }

    @Test
    void positionBiasFailsUnderBothButPassesUnderEither() {
        PairwiseItem item = Testbed.pair(116);
        assertThatThrownBy(() -> assertThatResponse(item.response1()).forQuery(item.query()).judgedBy(judge)
                .isPreferredOver(item.response2()))
                .hasMessageContaining("swapped order (baseline first):          Response 1 (the baseline)")
                .hasMessageContaining("orders consistent: no");
        assertThatResponse(item.response1()).forQuery(item.query()).judgedBy(judge)
                .withPositionPolicy(PositionPolicy.EITHER).isPreferredOver(item.response2());
        assertThatResponse(item.response1()).forQuery(item.query()).judgedBy(judge)
                .withPositionPolicy(PositionPolicy.FIRST_ONLY).isPreferredOver(item.response2());
        // The bias in full: with only the first order counting, each response beats the other.
        assertThatResponse(item.response2()).forQuery(item.query()).judgedBy(judge)
                .withPositionPolicy(PositionPolicy.FIRST_ONLY).isPreferredOver(item.response1());
    }

    @Test
    void tieFailsPreferenceButPassesAtLeastAsGood() {
        PairwiseItem item = Testbed.pair(318);
        assertThatThrownBy(() -> assertThatResponse(item.response1()).forQuery(item.query()).judgedBy(judge)
                .isPreferredOver(item.response2()))
                .hasMessageContaining("original order (tested response first): Tie");
        assertThatResponse(item.response1()).forQuery(item.query()).judgedBy(judge).isAtLeastAsGoodAs(item.response2());
    }

    @Test
    void atLeastAsGoodFailsWhenTheBaselineWins() {
        PairwiseItem item = Testbed.pair(69);
        assertThatThrownBy(() -> assertThatResponse(item.response2()).forQuery(item.query()).judgedBy(judge)
                .isAtLeastAsGoodAs(item.response1()))
                .hasMessageContaining("to be at least as good as (a tie passes) the baseline:");
    }

    @Test
    void ratingOfSevenPassesAtLeastSevenAndBetweenSixAndNine() {
        SingleItem item = Testbed.single(128);
        assertThatResponse(item.response()).forQuery(item.query()).judgedBy(judge).scoresAtLeast(7).scoresBetween(6, 9);
    }

    @Test
    void lowRatingFailsWithRatingScenarioAndShortenedCritique() {
        SingleItem item = Testbed.single(122);
        String critiqueStart = item.publishedOutput().strip().substring(0, 60);
        assertThatThrownBy(() -> assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario())
                .judgedBy(judge).scoresAtLeast(7))
                .hasMessageContaining("to score at least 7")
                .hasMessageContaining("but the judge rated it: 1")
                .hasMessageContaining("scenario: writing_song_lyrics (group Creative Writing)")
                .hasMessageContaining(critiqueStart)
                .hasMessageContaining("more characters; full critique in the report]");
        assertThatThrownBy(() -> assertThatResponse(item.response()).forQuery(item.query()).judgedBy(judge).scoresBetween(2, 5))
                .hasMessageContaining("to score between 2 and 5");
    }

    @Test
    void noVerdictNeverPassesAndStatesItsReason() {
        SingleItem item = Testbed.single(185);
        assertThatThrownBy(() -> assertThatResponse(item.response()).forQuery(item.query()).judgedBy(judge).scoresAtLeast(1))
                .hasMessageContaining("but the judge gave no verdict:")
                .hasMessageContaining("Rating: [[")
                .hasMessageContaining("A no-verdict is never a pass");
    }

    @Test
    void critiqueIsAStringAssertionOnTheRealCritique() {
        SingleItem item = Testbed.single(128);
        assertThatResponse(item.response()).forQuery(item.query()).judgedBy(judge).critique()
                .contains("Rating: [[7]]").contains("Tagalog");
        assertThatThrownBy(() -> assertThatResponse(item.response()).forQuery(item.query()).judgedBy(judge).critique()
                .doesNotContainIgnoringCase("tagalog"))
                .hasMessageContaining("critique by the judge (replay:published:auto-j-testbed)");
    }

    @Test
    void passRateOverSamplesCountsEachRating() {
        SingleItem four = Testbed.single(38);
        SingleItem six = Testbed.single(39);
        assertThat(four.query()).isEqualTo(six.query());
        List<String> samples = List.of(four.response(), six.response());
        assertThatResponses(samples).forQuery(four.query()).judgedBy(judge).scoresAtLeast(5).inAtLeast(0.5);
        assertThatThrownBy(() -> assertThatResponses(samples).forQuery(four.query()).judgedBy(judge).scoresAtLeast(5).inAtLeast(0.8))
                .hasMessageContaining("to score at least 5 in at least 80% of 2 samples")
                .hasMessageContaining("but 1 of 2 did (50%)")
                .hasMessageContaining("#1 FAIL  4");
    }

    @Test
    void softAssertionsCollectEveryFailure() {
        SingleItem low = Testbed.single(122);
        PairwiseItem pair = Testbed.pair(69);
        AutoJSoftAssertions softly = new AutoJSoftAssertions();
        softly.assertThatResponse(low.response()).forQuery(low.query()).judgedBy(judge).scoresAtLeast(7);
        softly.assertThatResponse(pair.response2()).forQuery(pair.query()).judgedBy(judge).isPreferredOver(pair.response1());
        softly.assertThatResponse(low.response()).forQuery(low.query()).judgedBy(judge).critique().contains("no such phrase");
        softly.assertThatResponses(List.of(low.response())).forQuery(low.query()).judgedBy(judge).scoresAtLeast(7).inAll();
        assertThat(softly.errorsCollected()).hasSize(4);
        assertThatThrownBy(softly::assertAll).hasMessageContaining("Multiple Failures (4 failures)");
    }

    @Test
    void withoutExtensionOrExplicitJudgeTheErrorSaysHowToConfigure() {
        assertThatThrownBy(() -> assertThatResponse("4").forQuery("2+2?").scoresAtLeast(7))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@dev.autoj.junit.AutoJ")
                .hasMessageContaining("judgedBy(judge)");
    }

    @Test
    void missingQueryAndOutOfRangeRatingsAreUsageErrors() {
        assertThatThrownBy(() -> assertThatResponse("4").judgedBy(judge).scoresAtLeast(7))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("forQuery(query)");
        assertThatThrownBy(() -> assertThatResponse("4").forQuery("q").judgedBy(judge).scoresAtLeast(11))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1–10");
        assertThatThrownBy(() -> assertThatResponse("4").forQuery("q").judgedBy(judge).scoresBetween(8, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimum is above the maximum");
    }

    @Test
    void chineseSelectsTheChineseTemplateWhichThePublishedEnglishOutputsDoNotCover() {
        SingleItem item = Testbed.single(128);
        assertThatThrownBy(() -> assertThatResponse(item.response()).forQuery(item.query()).inLanguage(Language.ZH)
                .judgedBy(judge).scoresAtLeast(7))
                .isInstanceOf(ReplayMissException.class)
                .hasMessageContaining("[INST] 为上传的针对给定用户问题的回应撰写评论");
    }

    @Test
    void scenarioDefaultsToDefaultWhenNoClassifierIsConfigured() {
        SingleItem item = Testbed.single(128);
        assertThatThrownBy(() -> assertThatResponse(item.response()).forQuery(item.query()).judgedBy(judge).scoresAtLeast(8))
                .hasMessageContaining("scenario: " + Scenario.DEFAULT.id());
    }
}
