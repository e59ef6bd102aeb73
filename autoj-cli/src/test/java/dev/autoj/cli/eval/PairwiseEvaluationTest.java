package dev.autoj.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Provenance;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.PromptBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairwiseEvaluationTest {

    private static final PairwiseItem CODE_ITEM_RESPONSE_1_BETTER = new PairwiseItem(Scenario.CODE_GENERATION, Verdict.RESPONSE_1);

    @Test
    void theExchangedVerdictIsMappedBackBeforeComparingWithTheLabel() {
        // Response 1 better; the exchanged order shows it second, so a judge that agrees says Response 2 there.
        PairwiseReport report = PairwiseEvaluation.evaluate(List.of(CODE_ITEM_RESPONSE_1_BETTER),
                List.of(ParsedVerdict.of(Verdict.RESPONSE_1)), List.of(ParsedVerdict.of(Verdict.RESPONSE_2)));

        assertThat(report.overall().agreeing()).isEqualTo(1);
        assertThat(report.overall().consistent()).isEqualTo(1);
        assertThat(report.group("Code").agreement()).isEqualTo(100.0);
    }

    @Test
    void aPositionBiasedJudgeIsNeitherAgreeingNorConsistent() {
        PairwiseReport report = PairwiseEvaluation.evaluate(List.of(CODE_ITEM_RESPONSE_1_BETTER),
                List.of(ParsedVerdict.of(Verdict.RESPONSE_1)), List.of(ParsedVerdict.of(Verdict.RESPONSE_1)));

        assertThat(report.overall().agreeing()).isZero();
        assertThat(report.overall().consistent()).isZero();
    }

    @Test
    void consistentButWrongVerdictsCountForConsistencyOnly() {
        PairwiseItem tie = new PairwiseItem(Scenario.TEXT_SUMMARIZATION, Verdict.TIE);

        PairwiseReport report = PairwiseEvaluation.evaluate(List.of(CODE_ITEM_RESPONSE_1_BETTER, tie),
                List.of(ParsedVerdict.of(Verdict.RESPONSE_2), ParsedVerdict.of(Verdict.TIE)),
                List.of(ParsedVerdict.of(Verdict.RESPONSE_1), ParsedVerdict.of(Verdict.TIE)));

        assertThat(report.group("Code").consistency()).isEqualTo(100.0);
        assertThat(report.group("Code").agreement()).isEqualTo(0.0);
        assertThat(report.group("Summarization").agreement()).isEqualTo(100.0);
        assertThat(report.overall().agreement()).isEqualTo(50.0);
        assertThat(report.groups()).extracting(GroupFigures::group).containsExactly("Summarization", "Code");
    }

    @Test
    void noVerdictsInBothOrdersAreNotConsistentAndAreListed() {
        PairwiseReport report = PairwiseEvaluation.evaluate(List.of(CODE_ITEM_RESPONSE_1_BETTER),
                List.of(ParsedVerdict.noVerdict("no decision")), List.of(ParsedVerdict.noVerdict("truncated")));

        assertThat(report.overall().consistent()).isZero();
        assertThat(report.noVerdicts()).containsExactly(new NoVerdictItem(0, "original", "no decision"),
                new NoVerdictItem(0, "exchanged", "truncated"));
    }

    @Test
    void scenariosOutsideTheEightGroupsCountOverallAndInTheirOwnRow() {
        PairwiseReport report = PairwiseEvaluation.evaluate(List.of(new PairwiseItem(Scenario.DEFAULT, Verdict.TIE)),
                List.of(ParsedVerdict.of(Verdict.TIE)), List.of(ParsedVerdict.of(Verdict.TIE)));

        assertThat(report.groups()).extracting(GroupFigures::group).containsExactly("Ungrouped");
        assertThat(report.overall().agreement()).isEqualTo(100.0);
    }

    @Test
    void ratingsAndMismatchedLengthsAreRefused() {
        assertThatThrownBy(() -> PairwiseEvaluation.evaluate(List.of(CODE_ITEM_RESPONSE_1_BETTER),
                List.of(ParsedVerdict.ofRating(7)), List.of(ParsedVerdict.of(Verdict.TIE))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a rating");
        assertThatThrownBy(() -> PairwiseEvaluation.evaluate(List.of(CODE_ITEM_RESPONSE_1_BETTER), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 items, 0 original-order");
    }

    @Test
    void comparisonsFromAJudgeGiveTheSameLeaderboardAsTheFiles() {
        // The published Auto-J-13B verdicts wrapped as a judge's comparisons, as a replayed judge would return them.
        List<PairwiseItem> items = TestbedFiles.pairwiseItems(SharedFiles.testbed("testdata_pairwise.jsonl"));
        List<ParsedVerdict> original = TestbedFiles.pairwisePredictions(SharedFiles.testbed("pairwise_example_output.jsonl"), Language.EN);
        List<ParsedVerdict> exchanged = TestbedFiles.pairwisePredictions(SharedFiles.testbed("pairwise_exchange_example_output.jsonl"), Language.EN);
        List<Comparison> comparisons = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            comparisons.add(Comparison.of(published(items.get(i), original.get(i)), published(items.get(i), exchanged.get(i))));
        }

        PairwiseReport fromJudge = PairwiseEvaluation.evaluateComparisons(items, comparisons);

        assertThat(fromJudge).isEqualTo(PairwiseEvaluation.evaluate(items, original, exchanged));
        assertThat(fromJudge.overall().agreement()).isEqualTo(54.96);
        assertThat(fromJudge.overall().consistency()).isEqualTo(83.41);
    }

    private static Judgment published(PairwiseItem item, ParsedVerdict verdict) {
        return new Judgment(Protocol.PAIRWISE, Language.EN, item.scenario(), verdict.verdict(), null, null, null,
                String.valueOf(verdict.verdict().label()), null, "GAIR/autoj-13b", "published",
                Provenance.replayed(Provenance.PUBLISHED_TESTBED), -1, -1, Duration.ZERO, List.of(),
                PromptBuilder.pairwise(Language.EN, "(the evaluation reads labels, not texts)", "", ""));
    }
}
