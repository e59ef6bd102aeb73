package dev.autoj.engine.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Six pairs, each judged in both orders through the real judge path (prompt, parser), whose verdicts
 * cover every row of the confusion table; every figure is worked out by hand in the comments.
 */
class PairwiseAgreementTest {

    private static final String R1 = "So, the final decision is Response 1";
    private static final String R2 = "So, the final decision is Response 2";
    private static final String TIE = "So, the final decision is Tie";

    private static final List<LabelledPair> CASES = List.of(
            LabelledPair.of("q1", "x1", "y1", Verdict.RESPONSE_1).withScenario(Scenario.CODE_GENERATION).withTags(List.of("a")),
            LabelledPair.of("q2", "x2", "y2", Verdict.RESPONSE_2).withScenario(Scenario.CHITCHAT).withTags(List.of("a")),
            LabelledPair.of("q3", "x3", "y3", Verdict.TIE).withTags(List.of("b")),
            LabelledPair.of("q4", "x4", "y4", Verdict.RESPONSE_1),
            LabelledPair.of("q5", "x5", "y5", Verdict.RESPONSE_2).withId("undecided"),
            LabelledPair.of("q6", "x6", "y6", Verdict.RESPONSE_1).withTags(List.of("b", "b")));

    /** The text for the response shown first: x in the original order, y in the swapped one. */
    private static final Map<String, String> SCRIPT = Map.ofEntries(
            Map.entry("x1", R1), Map.entry("y1", R2),     // response 1 in both orders: RESPONSE_1, agrees
            Map.entry("x2", R2), Map.entry("y2", R1),     // response 2 in both orders: RESPONSE_2, agrees
            Map.entry("x3", R1), Map.entry("y3", R1),     // whichever is first: orders disagree
            Map.entry("x4", TIE), Map.entry("y4", TIE),   // tie in both: consistent, label was response 1
            Map.entry("x5", "I cannot decide."), Map.entry("y5", R1),   // no verdict in the original order
            Map.entry("x6", R2), Map.entry("y6", R1));    // response 2 in both: consistent, label was response 1

    private static PairwiseAgreementReport judged() {
        try (Judge judge = Judges.builder().backend(ScriptedBackend.of(SCRIPT)).build()) {
            return PairwiseAgreement.evaluate(CASES, judge.compareAll(LabelledCases.ofPairs(CASES).compareRequests()));
        }
    }

    @Test
    void countsAgreementAndConsistencyAsTheLeaderboardDoes() {
        PairwiseAgreementReport r = judged();

        assertThat(r.judge()).isEqualTo(ScriptedBackend.MODEL);
        PairwiseAgreementReport.Figures all = r.overall();
        assertThat(all.cases()).isEqualTo(6);
        assertThat(all.agreeing()).isEqualTo(2);           // cases 1 and 2
        assertThat(all.consistent()).isEqualTo(4);         // cases 1, 2, 4, 6
        assertThat(all.agreementPercent()).isEqualTo(33.33);
        assertThat(all.consistencyPercent()).isEqualTo(66.67);
    }

    @Test
    void theConfusionTableHoldsInconsistentAndNoVerdictRows() {
        ConfusionTable t = judged().overall().confusion();

        assertThat(t.count(PairVerdict.RESPONSE_1, Verdict.RESPONSE_1)).isEqualTo(1);
        assertThat(t.count(PairVerdict.RESPONSE_2, Verdict.RESPONSE_2)).isEqualTo(1);
        assertThat(t.count(PairVerdict.RESPONSE_2, Verdict.RESPONSE_1)).isEqualTo(1);
        assertThat(t.count(PairVerdict.TIE, Verdict.RESPONSE_1)).isEqualTo(1);
        assertThat(t.count(PairVerdict.INCONSISTENT, Verdict.TIE)).isEqualTo(1);
        assertThat(t.count(PairVerdict.NO_VERDICT, Verdict.RESPONSE_2)).isEqualTo(1);
        assertThat(t.total()).isEqualTo(6);
        assertThat(t.humanTotal(Verdict.RESPONSE_1)).isEqualTo(3);
        assertThat(t.judgeTotal(PairVerdict.RESPONSE_2)).isEqualTo(2);
    }

    @Test
    void kappaCountsTheExtraJudgeCategoriesAsNeverAgreeing() {
        Statistics.Kappa k = judged().overall().kappa();

        // p_o = 2/6; judge marginals 1,2,1,1,1 /6, human 3,2,1 /6: p_e = (1·3 + 2·2 + 1·1)/36 = 2/9; κ = (1/3 − 2/9)/(7/9) = 1/7
        assertThat(k.observed()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(k.chance()).isCloseTo(2.0 / 9, within(1e-12));
        assertThat(k.value()).isCloseTo(1.0 / 7, within(1e-12));
        assertThat(k.interval().low()).isLessThan(k.value());
    }

    @Test
    void rowsPerScenarioGroupAndPerTag() {
        PairwiseAgreementReport r = judged();

        assertThat(r.byScenarioGroup()).extracting(PairwiseAgreementReport.Figures::name, PairwiseAgreementReport.Figures::cases)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Code", 1), org.assertj.core.groups.Tuple.tuple("General Communication", 1),
                        org.assertj.core.groups.Tuple.tuple("No scenario", 4));
        assertThat(r.row("a").agreementPercent()).isEqualTo(100.0);
        assertThat(r.row("b").cases()).isEqualTo(2);                // a tag given twice counts once
        assertThat(r.row("b").agreementPercent()).isEqualTo(0.0);
        assertThat(r.row("b").consistencyPercent()).isEqualTo(50.0);
    }

    @Test
    void noVerdictsNameTheCaseTheOrderAndTheParsersReason() {
        PairwiseAgreementReport r = judged();

        assertThat(r.noVerdicts()).singleElement().satisfies(nv -> {
            assertThat(nv.name()).isEqualTo("undecided");
            assertThat(nv.order()).isEqualTo("original");
            assertThat(nv.reason()).contains("final decision is");
        });
    }

    @Test
    void theTextShowsFiguresConfusionAndKappa() {
        String text = judged().toText();

        assertThat(text).contains("Agreement with human labels: 6 pairwise cases, judge " + ScriptedBackend.MODEL)
                .containsPattern("Overall +6 +33\\.33 +\\[")
                .containsPattern("orders disagree +0 +0 +1 +1")
                .containsPattern("no verdict +0 +1 +0 +1")
                .contains("Agreement 33.33 % (2 of 6), 95% Wilson interval [9.68, 70.00]; consistency 66.67 % (4 of 6)")
                .contains("Cohen's kappa 0.143")
                .contains("case undecided, original order:");
    }

    @Test
    void theJsonCarriesEveryFigure() {
        var json = judged().toJson();

        assertThat(json.path("judge").asText()).isEqualTo(ScriptedBackend.MODEL);
        assertThat(json.path("overall").path("agreement").asDouble()).isEqualTo(33.33);
        assertThat(json.path("overall").path("kappa").path("value").asDouble()).isCloseTo(1.0 / 7, within(1e-12));
        assertThat(json.path("overall").path("confusion").path("inconsistent").path("tie").asInt()).isEqualTo(1);
        assertThat(json.path("by_tag").size()).isEqualTo(2);
        assertThat(json.path("no_verdicts").get(0).path("case").asText()).isEqualTo("undecided");
    }
}
