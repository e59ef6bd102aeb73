package dev.autoj.assertions;

import static dev.autoj.assertions.Messages.critique;
import static dev.autoj.assertions.Messages.indent;
import static dev.autoj.assertions.Messages.quoted;
import static dev.autoj.assertions.Messages.scenario;
import static dev.autoj.assertions.Messages.verdicts;
import static dev.autoj.assertions.Messages.warnings;

import dev.autoj.engine.Comparison;
import org.assertj.core.error.BasicErrorMessageFactory;
import org.assertj.core.error.ErrorMessageFactory;

/** Failure of {@code isPreferredOver} / {@code isAtLeastAsGoodAs}: the judge did not rank the response as expected. */
final class ShouldWinComparison extends BasicErrorMessageFactory {

    private ShouldWinComparison(String message) {
        super("%s", unquotedString(message));
    }

    static ErrorMessageFactory shouldWinComparison(String expectation, String response, String baseline, String query,
            PositionPolicy policy, Comparison comparison, java.util.List<String> warnings) {
        String message = "\nExpecting response:\n" + indent(quoted(response)) + "\n"
                + expectation + " baseline:\n" + indent(quoted(baseline)) + "\n"
                + "for query:\n" + indent(quoted(query)) + "\n"
                + "(position policy " + policy.configName() + ": " + policy.explanation() + ")\n"
                + "but the judge said:\n" + verdicts(comparison) + "\n"
                + "scenario: " + scenario(comparison.original().scenario()) + "\n"
                + critique(comparison.original(), "critique, original order") + "\n"
                + critique(comparison.swapped(), "critique, swapped order")
                + warnings(warnings);
        return new ShouldWinComparison(message);
    }
}
