package dev.autoj.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.Verdict;
import dev.autoj.engine.protocol.ParsedVerdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class RatingEvaluationTest {

    @Test
    void everyRatingFrom1To10IsInTheHistogramAndAHalfPointRatingGetsItsOwnRow() {
        RatingReport report = RatingEvaluation.evaluate(List.of(ParsedVerdict.ofRating(6), ParsedVerdict.ofRating(6.5),
                ParsedVerdict.noVerdict("no rating")));

        assertThat(report.histogram()).hasSize(11).containsEntry(6.0, 1).containsEntry(6.5, 1).containsEntry(10.0, 0);
        assertThat(report.rated()).isEqualTo(2);
        assertThat(report.mean()).isEqualTo(6.25);
        assertThat(report.noVerdicts()).containsExactly(new NoVerdictItem(2, "single", "no rating"));
    }

    @Test
    void noRatingsGiveANanMeanAndPairwiseVerdictsAreRefused() {
        assertThat(RatingEvaluation.evaluate(List.of(ParsedVerdict.noVerdict("empty"))).mean()).isNaN();
        assertThatThrownBy(() -> RatingEvaluation.evaluate(List.of(ParsedVerdict.of(Verdict.TIE))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs single-response ratings");
    }
}
