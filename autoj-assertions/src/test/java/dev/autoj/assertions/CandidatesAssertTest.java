package dev.autoj.assertions;

import static dev.autoj.assertions.AutoJAssertions.assertThatCandidates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.assertions.fixtures.PublishedJudge;
import dev.autoj.assertions.fixtures.SharedFiles;
import dev.autoj.engine.Scenario.Group;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.internal.AutoJTestbed.PairwiseItem;
import dev.autoj.engine.report.SetDecision;
import dev.autoj.engine.report.SetDecision.Decision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Set-level decisions on Auto-J-13B's published pairwise judgments (both orders), replayed by
 * {@link PublishedJudge} from case files built out of {@code testdata_pairwise.jsonl}. Expected
 * figures were computed from the three published files independently of this code (scipy):
 * Summarization, human-preferred response as candidate (61 cases without human tie):
 * 37 wins / 11 ties / 13 losses, sign-test p = 0.000468, mean 0.6844, t lower bound 0.5994.
 * Summarization, response 1 as candidate (72 cases): 31 / 14 / 27, p = 0.3470, 12 flips,
 * mean 0.5382, lower bound 0.4539. Code, response 1 (120 cases): mean 0.4688, lower bound 0.4034.
 * Creative Writing, human-preferred (162 cases), SPRT p1 = 0.65: crosses 2.944 at the 22nd case
 * after 17 wins and 4 losses.
 */
class CandidatesAssertTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static List<PairwiseItem> testbed;

    @TempDir
    Path dir;

    @BeforeAll
    static void readTestbed() {
        testbed = AutoJTestbed.pairwise(SharedFiles.testbed("testdata_pairwise.jsonl").getParent());
    }

    @Test
    void humanPreferredSummariesArePreferredInOneBatchWithTheSignTestFigures() throws IOException {
        List<PairedCase> cases = caseFile(Group.SUMMARIZATION, i -> i.human() != Verdict.TIE, i -> i.human() == Verdict.RESPONSE_1);
        PublishedJudge judge = new PublishedJudge();
        CandidatesAssert set = assertThatCandidates(cases).judgedBy(judge).isPreferredOverBaseline();
        SetDecision r = set.result();
        assertThat(r.decision()).isEqualTo(Decision.PASS);
        SetDecision.Counts c = r.counts();
        assertThat(List.of(c.cases(), c.judged(), c.wins(), c.ties(), c.losses(), c.undecided())).containsExactly(61, 61, 37, 11, 13, 0);
        assertThat(((SetDecision.SignTest) r.method()).pValue()).isCloseTo(0.000468, within(5e-7));
        assertThat(r.mean().value()).isCloseTo(0.6844, within(5e-5));
        assertThat(r.mean().lowerBound()).isCloseTo(0.5994, within(5e-5));
        assertThat(r.winShare().value()).isCloseTo(37.0 / 61, within(1e-12));
        assertThat(r.winShare().low()).isLessThan(r.winShare().value()).isGreaterThan(0.47);
        // One batch of 61 comparisons: the engine judges both orders of every case together.
        assertThat(judge.batches()).isEqualTo(1);
        assertThat(judge.largestBatch()).isEqualTo(61);
    }

    @Test
    void humanRejectedSummariesFailWithCountsAndTheLosingCases() throws IOException {
        List<PairedCase> cases = caseFile(Group.SUMMARIZATION, i -> i.human() != Verdict.TIE, i -> i.human() == Verdict.RESPONSE_2);
        assertThatThrownBy(() -> assertThatCandidates(cases).judgedBy(new PublishedJudge()).isPreferredOverBaseline())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("to be preferred over the baseline (exact one-sided sign test, α = 0.050)")
                .hasMessageContaining("decision: FAIL (the candidate did not win more cases than it lost (13 wins, 37 losses))")
                .hasMessageContaining("wins / ties / losses: 13 / 11 / 37")
                .hasMessageContaining("cases needed: none would show it")
                .hasMessageContaining("judged: all 61 cases")
                .hasMessageContaining("cases the candidate lost (score): testbed-");
    }

    @Test
    void responseOneAcrossSummarizationIsInconclusiveAndAbortsWithTheCasesNeeded() throws IOException {
        List<PairedCase> cases = caseFile(Group.SUMMARIZATION, i -> true, i -> true);
        CandidatesAssert set = assertThatCandidates(cases).judgedBy(new PublishedJudge());
        Throwable thrown = catchThrowable(set::isPreferredOverBaseline);
        assertThat(thrown).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("decision: INCONCLUSIVE (more wins than losses, but sign test p = 0.3470 ≥ α = 0.050)")
                .hasMessageContaining("wins / ties / losses: 31 / 14 / 27; position flips (won one order, lost the other; scored ½): 12")
                .hasMessageContaining("cases needed: 1628 decided cases would detect the observed effect with power 0.8");
        SetDecision r = set.result();
        // Win share among non-tied cases 31/58, ties 14/72: the exact sign test reaches power 0.8 at 1311 non-tied
        // cases (scipy), i.e. 1311 / (58/72) → 1628 decided cases.
        assertThat(r.casesNeeded()).isEqualTo(1628);
        assertThat(r.winShare().low()).isCloseTo(0.32258, within(5e-6));
        assertThat(r.winShare().high()).isCloseTo(0.54557, within(5e-6));
        assertThatThrownBy(() -> assertThatCandidates(cases).judgedBy(new PublishedJudge()).failWhenInconclusive()
                .isPreferredOverBaseline())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("decision: INCONCLUSIVE");
    }

    @Test
    void theInconclusiveSettingTurnsAnAbortIntoAFailure() throws IOException {
        List<PairedCase> cases = caseFile(Group.SUMMARIZATION, i -> true, i -> true);
        String before = System.getProperty(CandidatesAssert.INCONCLUSIVE_SETTING);
        System.setProperty(CandidatesAssert.INCONCLUSIVE_SETTING, "fail");
        try {
            assertThatThrownBy(() -> assertThatCandidates(cases).judgedBy(new PublishedJudge()).isPreferredOverBaseline())
                    .isInstanceOf(AssertionError.class);
            assertThatThrownBy(() -> assertThatCandidates(cases).judgedBy(new PublishedJudge()).abortWhenInconclusive()
                    .isPreferredOverBaseline())
                    .isInstanceOf(TestAbortedException.class);
            System.setProperty(CandidatesAssert.INCONCLUSIVE_SETTING, "skip");
            assertThatThrownBy(() -> assertThatCandidates(cases).judgedBy(new PublishedJudge()).isPreferredOverBaseline())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("autoj.inconclusive is \"skip\"; use fail");
        } finally {
            if (before == null) {
                System.clearProperty(CandidatesAssert.INCONCLUSIVE_SETTING);
            } else {
                System.setProperty(CandidatesAssert.INCONCLUSIVE_SETTING, before);
            }
        }
    }

    @Test
    void nonInferiorityPassesFailsAndStaysInconclusiveOnNaturalSubsets() throws IOException {
        // Summarization, response 1: lower bound 0.4539 ≥ 0.45.
        SetDecision pass = assertThatCandidates(caseFile(Group.SUMMARIZATION, i -> true, i -> true))
                .judgedBy(new PublishedJudge()).isNotWorseThanBaseline(0.05).result();
        assertThat(pass.mean().lowerBound()).isCloseTo(0.4539, within(5e-5));
        // Summarization, human-rejected response: mean 0.3156 < 0.45.
        assertThatThrownBy(() -> assertThatCandidates(caseFile(Group.SUMMARIZATION, i -> i.human() != Verdict.TIE,
                i -> i.human() == Verdict.RESPONSE_2)).judgedBy(new PublishedJudge()).isNotWorseThanBaseline(0.05))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("decision: FAIL (mean score 0.316 < ½ − margin = 0.450)");
        // Code, response 1: mean 0.4688 ≥ 0.45 but lower bound 0.4034 < 0.45.
        assertThatThrownBy(() -> assertThatCandidates(caseFile(Group.CODE, i -> true, i -> true))
                .judgedBy(new PublishedJudge()).isNotWorseThanBaseline(0.05))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("decision: INCONCLUSIVE (mean score 0.469 ≥ 0.450 but its lower bound 0.403 < 0.450)");
    }

    @Test
    void sequentialTestStopsAfterTheChunkHoldingTheDecisiveCaseWhateverTheChunking() throws IOException {
        List<PairedCase> cases = caseFile(Group.CREATIVE_WRITING, i -> i.human() != Verdict.TIE, i -> i.human() == Verdict.RESPONSE_1);
        assertThat(cases).hasSize(162);
        List<Integer> decidedAt = new ArrayList<>();
        for (int chunk : new int[] {1, 10, 16, 200}) {
            PublishedJudge judge = new PublishedJudge();
            SetDecision r = assertThatCandidates(cases).judgedBy(judge).sequentially(0.65).inChunksOf(chunk)
                    .isPreferredOverBaseline().result();
            SetDecision.Sequential sprt = (SetDecision.Sequential) r.method();
            decidedAt.add(r.cases().stream().map(SetDecision.Case::name).toList().indexOf(sprt.decidedAt()));
            int judged = Math.min(162, (21 / chunk + 1) * chunk);
            assertThat(r.counts().judged()).as("judged with chunks of %d", chunk).isEqualTo(judged);
            assertThat(judge.batches()).as("one batch per chunk of %d", chunk).isEqualTo((judged + chunk - 1) / chunk);
            assertThat(judge.largestBatch()).isEqualTo(Math.min(chunk, 162));
            assertThat(r.cases().stream().filter(c -> !c.judged()).count()).isEqualTo(162 - judged);
            assertThat(sprt.llr()).isCloseTo(17 * Math.log(1.3) + 4 * Math.log(0.7), within(1e-9));
            assertThat(sprt.upperBound()).isCloseTo(Math.log(19), within(1e-12));
        }
        assertThat(decidedAt).containsOnly(21);
    }

    @Test
    void sequentialTestFailsAtItsCrossingOrRunsOutOfCases() throws IOException {
        // Summarization, response 1 (independently computed): p1 = 0.8, power 0.8 crosses ln(0.2/0.95) at the
        // 27th case (testbed-146) after 12 wins and 8 losses; p1 = 0.6 ends between the bounds at LLR -0.3729.
        List<PairedCase> cases = caseFile(Group.SUMMARIZATION, i -> true, i -> true);
        CandidatesAssert failing = assertThatCandidates(cases).judgedBy(new PublishedJudge()).sequentially(0.8).withPower(0.8)
                .inChunksOf(8);
        assertThatThrownBy(failing::isPreferredOverBaseline).isInstanceOf(AssertionError.class)
                .hasMessageContaining("decided at case testbed-146")
                .hasMessageContaining("after 12 wins and 8 losses")
                .hasMessageContaining("judged: the first 32 cases; 40 not needed");
        assertThat(((SetDecision.Sequential) failing.result().method()).lowerBound()).isCloseTo(Math.log(0.2 / 0.95), within(1e-12));
        CandidatesAssert running = assertThatCandidates(cases).judgedBy(new PublishedJudge()).sequentially(0.6);
        assertThatThrownBy(running::isPreferredOverBaseline).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("the cases ran out with SPRT LLR -0.373");
        assertThat(running.result().counts().judged()).isEqualTo(72);
    }

    @Test
    void softAssertionsCollectASetLevelFailure() throws IOException {
        List<PairedCase> cases = caseFile(Group.SUMMARIZATION, i -> i.human() != Verdict.TIE, i -> i.human() == Verdict.RESPONSE_2);
        AutoJSoftAssertions softly = new AutoJSoftAssertions();
        softly.assertThatCandidates(cases).judgedBy(new PublishedJudge()).isPreferredOverBaseline();
        softly.assertThatCandidates(cases).judgedBy(new PublishedJudge()).isNotWorseThanBaseline(0.05);
        assertThat(softly.assertionErrorsCollected()).hasSize(2);
        assertThatThrownBy(softly::assertAll).hasMessageContaining("wins / ties / losses: 13 / 11 / 37");
    }

    @Test
    void usageErrorsAreExplained() {
        List<PairedCase> one = List.of(PairedCase.of("q", "c", "b"));
        assertThatThrownBy(() -> assertThatCandidates(one).sequentially(0.4)).hasMessageContaining("0.5 < p1 < 1");
        assertThatThrownBy(() -> assertThatCandidates(one).atSignificance(0.5)).hasMessageContaining("0 < alpha < 0.5");
        assertThatThrownBy(() -> assertThatCandidates(one).sequentially(0.7).isNotWorseThanBaseline(0.05))
                .hasMessageContaining("applies to isPreferredOverBaseline() only");
        assertThatThrownBy(() -> assertThatCandidates(List.of()).isPreferredOverBaseline())
                .hasMessageContaining("needs at least one paired case");
        assertThatThrownBy(() -> assertThatCandidates(one).result()).hasMessageContaining("result() is available after");
    }

    @Test
    void aCaseWhoseOrdersDisagreeScoresOneHalfAndCountsAsAPositionFlip() throws IOException {
        // Testbed item 116: each order prefers the response shown first (both published labels 0).
        PairwiseItem item = testbed.get(116);
        assertThat(item.original()).isEqualTo(Verdict.RESPONSE_1);
        assertThat(item.exchanged()).isEqualTo(Verdict.RESPONSE_1);
        CandidatesAssert set = assertThatCandidates(List.of(PairedCase.of(item.query(), item.response1(), item.response2())))
                .judgedBy(new PublishedJudge());
        // One decided case gives no bound for the mean: inconclusive, aborted.
        assertThatThrownBy(() -> set.isNotWorseThanBaseline(0.0)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("fewer than 2 decided cases (1)");
        SetDecision r = set.result();
        SetDecision.Case c = r.cases().get(0);
        assertThat(c.score()).isEqualTo(0.5);
        assertThat(c.positionFlip()).isTrue();
        assertThat(r.counts().positionFlips()).isEqualTo(1);
        assertThat(r.counts().ties()).isEqualTo(1);
    }

    @Test
    void theSessionReceivesEveryCaseThenTheSetDecisionBeforeTheTestIsAborted() throws IOException {
        List<PairedCase> cases = caseFile(Group.SUMMARIZATION, i -> true, i -> true);
        PublishedJudge judge = new PublishedJudge();
        List<Object> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        JudgeHandOff.Session session = new JudgeHandOff.Session() {
            @Override
            public dev.autoj.engine.Judge judge() {
                return judge;
            }

            @Override
            public java.util.Optional<PositionPolicy> positionPolicy() {
                return java.util.Optional.empty();
            }

            @Override
            public void judged(JudgmentReport report) {
                received.add(report);
            }

            @Override
            public void comparedSet(SetReport report) {
                received.add(report);
            }
        };
        JudgeHandOff.install(session);
        try {
            assertThatThrownBy(() -> assertThatCandidates(cases).isPreferredOverBaseline()).isInstanceOf(TestAbortedException.class);
        } finally {
            JudgeHandOff.uninstall(session);
        }
        assertThat(received).hasSize(73);
        assertThat(received.subList(0, 72)).allMatch(JudgmentReport.class::isInstance);
        SetReport set = (SetReport) received.get(72);
        assertThat(set.result().decision()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(set.inconclusiveFails()).isFalse();
        assertThat(set.passed()).isFalse();
        assertThat(set.cases()).isEqualTo(cases);
        assertThat(set.description()).contains("wins / ties / losses: 31 / 14 / 27");
        assertThat(((JudgmentReport) received.get(0)).assertion()).isEqualTo("isPreferredOverBaseline[" + cases.get(0).id() + "]");
    }

    /** Writes the chosen testbed items of a group as a JSON Lines case file and reads it back. */
    private List<PairedCase> caseFile(Group group, Predicate<PairwiseItem> which, Predicate<PairwiseItem> firstIsCandidate)
            throws IOException {
        StringBuilder lines = new StringBuilder();
        for (PairwiseItem item : testbed) {
            if (item.scenario().group().orElse(null) != group || !which.test(item)) {
                continue;
            }
            boolean first = firstIsCandidate.test(item);
            Map<String, String> line = new LinkedHashMap<>();
            line.put("id", "testbed-" + item.index());
            line.put("query", item.query());
            line.put("candidate", first ? item.response1() : item.response2());
            line.put("baseline", first ? item.response2() : item.response1());
            line.put("scenario", item.scenario().id());
            lines.append(JSON.writeValueAsString(line)).append('\n');
        }
        Path file = Files.writeString(dir.resolve(group.name().toLowerCase() + "-" + System.nanoTime() + ".jsonl"), lines);
        return PairedCases.read(file);
    }
}
