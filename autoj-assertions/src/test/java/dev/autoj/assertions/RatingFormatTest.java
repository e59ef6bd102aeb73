package dev.autoj.assertions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.assertions.fixtures.PrintedValues;
import dev.autoj.engine.Judgment;
import java.util.List;
import org.assertj.core.description.TextDescription;
import org.assertj.core.presentation.StandardRepresentation;
import org.junit.jupiter.api.Test;

/** A rating prints as every report prints it (docs: one formatter); the Allure step and summary.md are checked in autoj-junit. */
class RatingFormatTest {

    @Test
    void aQuarterRatingPrintsWithBothDecimalsInTheFailureMessages() {
        Judgment judgment = PrintedValues.rating(7.25);

        String score = ShouldScore.shouldScore("score at least 8", PrintedValues.RESPONSE, PrintedValues.QUERY, judgment, List.of())
                .create(new TextDescription(""), new StandardRepresentation());
        String passRate = ShouldPassInAtLeast.shouldPassInAtLeast("score at least 8", 1, PrintedValues.QUERY,
                List.of(PrintedValues.RESPONSE), List.of(judgment), List.of(false))
                .create(new TextDescription(""), new StandardRepresentation());

        assertThat(score).contains("but the judge rated it: 7.25\n").doesNotContain("7.3");
        assertThat(passRate).contains("#1 FAIL  7.25  ").contains("in at least 100% of 1 samples");
        assertThat(Messages.formatRating(7)).isEqualTo("7");
        assertThat(Messages.formatRating(6.5)).isEqualTo("6.5");
    }
}
