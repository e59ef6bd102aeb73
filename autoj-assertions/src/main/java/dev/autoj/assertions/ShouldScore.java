package dev.autoj.assertions;

import static dev.autoj.assertions.Messages.critique;
import static dev.autoj.assertions.Messages.indent;
import static dev.autoj.assertions.Messages.quoted;
import static dev.autoj.assertions.Messages.rating;
import static dev.autoj.assertions.Messages.scenario;
import static dev.autoj.assertions.Messages.warnings;

import dev.autoj.engine.Judgment;
import java.util.List;
import org.assertj.core.error.BasicErrorMessageFactory;
import org.assertj.core.error.ErrorMessageFactory;

/** Failure of {@code scoresAtLeast} / {@code scoresBetween}: the rating is outside the expected range. */
final class ShouldScore extends BasicErrorMessageFactory {

    private ShouldScore(String message) {
        super("%s", unquotedString(message));
    }

    static ErrorMessageFactory shouldScore(String expectation, String response, String query, Judgment judgment,
            List<String> warnings) {
        String message = "\nExpecting response:\n" + indent(quoted(response)) + "\n"
                + "for query:\n" + indent(quoted(query)) + "\n"
                + "to " + expectation + "\n"
                + "but the judge rated it: " + rating(judgment) + "\n"
                + "scenario: " + scenario(judgment.scenario()) + "\n"
                + critique(judgment, "critique")
                + warnings(warnings);
        return new ShouldScore(message);
    }
}
