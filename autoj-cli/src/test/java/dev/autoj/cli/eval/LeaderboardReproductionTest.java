package dev.autoj.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.autoj.engine.Language;
import dev.autoj.engine.SharedFiles;
import org.junit.jupiter.api.Test;

/** Reproduces the Auto-J leaderboard from the published Auto-J-13B outputs in the testbed. */
class LeaderboardReproductionTest {

    @Test
    void pairwiseFiguresOfAllGroupsAndOverallEqualThePublishedLeaderboard() {
        PairwiseReport report = TestbedFiles.evaluatePairwise(
                SharedFiles.testbed("testdata_pairwise.jsonl"),
                SharedFiles.testbed("pairwise_example_output.jsonl"),
                SharedFiles.testbed("pairwise_exchange_example_output.jsonl"),
                Language.EN);

        assertThat(report.groups())
                .extracting(GroupFigures::group, GroupFigures::agreement, GroupFigures::consistency)
                .containsExactly(
                        tuple("Summarization", 45.83, 73.61),
                        tuple("Exam Questions", 38.89, 69.44),
                        tuple("Code", 47.5, 75.83),
                        tuple("Rewriting", 49.17, 74.17),
                        tuple("Creative Writing", 59.72, 87.04),
                        tuple("Functional Writing", 61.67, 81.67),
                        tuple("General Communication", 55.21, 92.36),
                        tuple("NLP Tasks", 57.58, 86.36));
        assertThat(report.overall().items()).isEqualTo(1392);
        assertThat(report.overall().agreement()).isEqualTo(54.96);
        assertThat(report.overall().consistency()).isEqualTo(83.41);
        assertThat(report.noVerdicts()).isEmpty();
    }

    @Test
    void publishedCritiquesGive231RatingsAndLine186AsTheOneNoVerdict() {
        RatingReport report = TestbedFiles.evaluateSingle(SharedFiles.testbed("critique_example_output.jsonl"), Language.EN);

        assertThat(report.judgments()).isEqualTo(232);
        assertThat(report.rated()).isEqualTo(231);
        assertThat(report.histogram().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(231);
        assertThat(report.noVerdicts()).singleElement().satisfies(nv -> {
            assertThat(nv.index()).isEqualTo(185);
            assertThat(nv.reason()).contains("Rating: [[n]]");
        });
        assertThat(report.mean()).isBetween(1.0, 10.0);
    }

    @Test
    void aClassifierThatAnswersEveryTrueCategoryScoresFullAccuracyPerCategory() {
        var categories = TestbedFiles.scenarioCategories(SharedFiles.testbed("scenario_classifier_testdata.jsonl"));

        ScenarioReport report = ScenarioEvaluation.evaluate(categories, categories.stream().map(ScenarioAnswer::of).toList());

        assertThat(report.items()).isEqualTo(623);
        assertThat(report.accuracy()).isEqualTo(100.0);
        assertThat(report.categories()).hasSize(59).allSatisfy(c -> assertThat(c.correct()).isEqualTo(c.items()));
    }
}
