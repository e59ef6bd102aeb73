package dev.autoj.engine.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Four scored responses rated through the real judge path; the correlations' values are SciPy 1.10.1's. */
class SingleAgreementTest {

    private static final List<LabelledResponse> CASES = List.of(
            LabelledResponse.of("q1", "answer one", 7).withTags(List.of("short")),
            LabelledResponse.of("q2", "answer two", 4).withTags(List.of("short")),
            LabelledResponse.of("q3", "answer three", 9).withId("loop"),
            LabelledResponse.of("q4", "answer four", 2));

    private static final Map<String, String> SCRIPT = Map.of(
            "answer one", "Good.\n\nRating: [[6]]",
            "answer two", "Fine.\n\nRating: [[4]]",
            "answer three", "I keep repeating myself",
            "answer four", "Better than they thought.\n\nRating: [[5]]");

    private static SingleAgreementReport judged(double tolerance) {
        try (Judge judge = Judges.builder().backend(ScriptedBackend.of(SCRIPT)).build()) {
            return SingleAgreement.evaluate(CASES, judge.gradeAll(LabelledCases.ofResponses(CASES).gradeRequests()), tolerance);
        }
    }

    @Test
    void agreementWithinTheToleranceCountsACaseWithoutRatingAsDisagreeing() {
        SingleAgreementReport.Figures all = judged(1).overall();

        assertThat(all.cases()).isEqualTo(4);
        assertThat(all.rated()).isEqualTo(3);
        assertThat(all.withinTolerance()).isEqualTo(2);          // |6−7| = 1 and |4−4| = 0; |5−2| = 3; no rating
        assertThat(all.agreement()).isEqualTo(0.5);
        assertThat(all.meanAbsoluteDifference()).isCloseTo(4.0 / 3, within(1e-12));
        assertThat(judged(0).overall().withinTolerance()).isEqualTo(1);
        assertThat(judged(3).overall().withinTolerance()).isEqualTo(3);
    }

    @Test
    void correlationsOverTheRatedCasesEqualScipy() {
        SingleAgreementReport.Figures all = judged(1).overall();

        // scipy.stats.pearsonr([6,4,5],[7,4,2]) and spearmanr of the same
        assertThat(all.pearson()).isCloseTo(0.5960395606792697, within(1e-12));
        assertThat(all.spearman()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void rowsPerTagTextAndJson() {
        SingleAgreementReport r = judged(1);

        assertThat(r.byScenarioGroup()).isEmpty();
        assertThat(r.byTag()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("short");
            assertThat(f.withinTolerance()).isEqualTo(2);
        });
        assertThat(r.noVerdicts()).singleElement().satisfies(nv -> assertThat(nv.name()).isEqualTo("loop"));
        assertThat(r.toText()).contains("Agreement with human scores: 4 single-response cases, judge " + ScriptedBackend.MODEL)
                .contains("Agreement 50.00 % (2 of 4 within ±1)").contains("Pearson 0.596, Spearman 0.500")
                .contains("Cases without a rating: 1").contains("case loop: ");
        assertThat(r.toJson().path("overall").path("rated").asInt()).isEqualTo(3);
        assertThat(r.toJson().path("tolerance").asDouble()).isEqualTo(1.0);
    }

    @Test
    void aNegativeToleranceIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> SingleAgreement.ofReadings("j", CASES,
                java.util.stream.Stream.of(1.0, 2.0, 3.0, 4.0).map(dev.autoj.engine.protocol.ParsedVerdict::ofRating).toList(), -1))
                .withMessageContaining("0 or more");
    }
}
