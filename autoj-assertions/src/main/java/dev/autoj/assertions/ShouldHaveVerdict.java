package dev.autoj.assertions;

import static dev.autoj.assertions.Messages.critique;
import static dev.autoj.assertions.Messages.indent;
import static dev.autoj.assertions.Messages.quoted;
import static dev.autoj.assertions.Messages.scenario;
import static dev.autoj.assertions.Messages.warnings;

import dev.autoj.engine.Judgment;
import java.util.List;
import org.assertj.core.error.BasicErrorMessageFactory;
import org.assertj.core.error.ErrorMessageFactory;

/** Failure when the judge's output held no verdict or rating: never a pass, always with the reason. */
final class ShouldHaveVerdict extends BasicErrorMessageFactory {

    private ShouldHaveVerdict(String message) {
        super("%s", unquotedString(message));
    }

    static ErrorMessageFactory shouldHaveVerdict(String expectation, String response, String query,
            List<Judgment> judgments, List<String> warnings) {
        StringBuilder message = new StringBuilder("\nExpecting response:\n").append(indent(quoted(response))).append('\n')
                .append("for query:\n").append(indent(quoted(query))).append('\n')
                .append("to ").append(expectation).append('\n')
                .append("but the judge gave no verdict:");
        for (int i = 0; i < judgments.size(); i++) {
            Judgment j = judgments.get(i);
            String order = judgments.size() == 1 ? "" : i == 0 ? "original order: " : "swapped order: ";
            message.append("\n  ").append(order).append(j.isNoVerdict() ? j.noVerdictReason() : "(this order had a verdict)");
        }
        Judgment first = judgments.stream().filter(Judgment::isNoVerdict).findFirst().orElse(judgments.get(0));
        message.append("\nscenario: ").append(scenario(first.scenario()))
                .append('\n').append(critique(first, "judge output"))
                .append("\nA no-verdict is never a pass: re-run with a larger autoj.max-new-tokens if the output was cut, "
                        + "or inspect the judge output in the report.")
                .append(warnings(warnings));
        return new ShouldHaveVerdict(message.toString());
    }
}
