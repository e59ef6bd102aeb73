package dev.autoj.assertions;

import static dev.autoj.assertions.AutoJAssertions.assertThatJudge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.autoj.assertions.fixtures.PublishedJudge;
import dev.autoj.assertions.fixtures.SharedFiles;
import dev.autoj.assertions.fixtures.Testbed;
import dev.autoj.engine.agreement.LabelledCases;
import dev.autoj.engine.agreement.LabelledResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The set-level agreement assertion on the Auto-J pairwise testbed, judged by replaying Auto-J-13B's
 * published verdicts: 765 of 1392 cases agree (54.96 %), 1161 are consistent, kappa 0.354.
 */
class AgreementAssertTest {

    private static LabelledCases testbed() {
        return LabelledCases.read(SharedFiles.testbed("testdata_pairwise.jsonl"));
    }

    @Test
    void passesAtTheLeaderboardsAgreementAndJudgesTheCasesOnce() {
        PublishedJudge judge = new PublishedJudge();

        AgreementAssert assertion = assertThatJudge(judge).onLabelledCases(testbed())
                .agreesAtLeast(0.5).hasKappaAtLeast(0.35).isConsistentInAtLeast(0.83);

        assertThat(judge.batches()).isEqualTo(1);
        assertThat(assertion.pairwiseReport().overall().agreementPercent()).isEqualTo(54.96);
        assertThat(assertion.pairwiseReport().overall().consistencyPercent()).isEqualTo(83.41);
    }

    @Test
    void aFailureShowsTheFiguresTheIntervalKappaAndTheConfusionTable() {
        AssertionError e = catchThrowableOfType(
                () -> assertThatJudge(new PublishedJudge()).onLabelledCases(testbed()).agreesAtLeast(0.7), AssertionError.class);

        assertThat(e).hasMessageContaining("to agree with the labels in at least 70% of the cases\nbut it agreed in 765 of 1392.")
                .hasMessageContaining("Agreement 54.96 % (765 of 1392), 95% Wilson interval [52.33, 57.55]")
                .hasMessageContaining("Cohen's kappa 0.354")
                .hasMessageFindingMatch("orders disagree +70 +65 +96 +231")
                .hasMessageContaining("testdata_pairwise.jsonl");
    }

    @Test
    void kappaAndConsistencyThresholdsFailWithTheirFigureFromTheOneJudgedReport() {
        PublishedJudge judge = new PublishedJudge();
        AgreementAssert assertion = assertThatJudge(judge).onLabelledCases(testbed());

        assertThat(catchThrowableOfType(() -> assertion.hasKappaAtLeast(0.4), AssertionError.class))
                .hasMessageContaining("to reach Cohen's kappa 0.4\nbut its kappa is 0.354.");
        assertThat(catchThrowableOfType(() -> assertion.isConsistentInAtLeast(0.9), AssertionError.class))
                .hasMessageContaining("in at least 90% of the cases\nbut it did in 1161 of 1392.");
        assertThat(judge.batches()).isEqualTo(1);
    }

    @Test
    void singleResponseCasesAgreeWithinTheTolerance() {
        // Scores written for this test (not human labels); the ratings are Auto-J-13B's published ones
        List<Testbed.SingleItem> items = Testbed.singles().subList(0, 6);
        List<LabelledResponse> cases = new ArrayList<>();
        for (Testbed.SingleItem item : items) {
            String out = item.publishedOutput();
            int at = out.lastIndexOf("Rating: [[");
            double rating = Double.parseDouble(out.substring(at + 10, out.indexOf("]]", at)));
            cases.add(LabelledResponse.of(item.query(), item.response(), cases.size() % 2 == 0 ? rating : rating + 2));
        }

        AgreementAssert loose = assertThatJudge(new PublishedJudge()).onLabelledCases(LabelledCases.ofResponses(cases)).withTolerance(2)
                .agreesAtLeast(1.0);
        assertThat(loose.singleReport().overall().withinTolerance()).isEqualTo(6);
        AssertionError strict = catchThrowableOfType(() -> assertThatJudge(new PublishedJudge())
                .onLabelledCases(LabelledCases.ofResponses(cases)).withTolerance(1).agreesAtLeast(0.6), AssertionError.class);
        assertThat(strict).hasMessageContaining("but it agreed in 3 of 6.").hasMessageContaining("within ±1");
    }

    @Test
    void misuseIsRefusedAtOnce() {
        LabelledCases single = LabelledCases.ofResponses(List.of(LabelledResponse.of("q", "r", 5)));
        assertThatIllegalArgumentException().isThrownBy(() -> assertThatJudge(new PublishedJudge()).onLabelledCases(single).agreesAtLeast(0))
                .withMessageContaining("(0, 1]");
        assertThatIllegalStateException().isThrownBy(() -> assertThatJudge(new PublishedJudge()).onLabelledCases(single).hasKappaAtLeast(0.4))
                .withMessageContaining("single-response cases");
    }
}
