package dev.autoj.assertions;

import static dev.autoj.assertions.Messages.indent;
import static dev.autoj.assertions.Messages.quoted;
import static dev.autoj.assertions.Messages.rating;
import static dev.autoj.assertions.Messages.shorten;

import dev.autoj.engine.Judgment;
import dev.autoj.engine.report.Figures;
import java.util.List;
import org.assertj.core.error.BasicErrorMessageFactory;
import org.assertj.core.error.ErrorMessageFactory;

/** Failure of a pass-rate expectation over several sampled responses. */
final class ShouldPassInAtLeast extends BasicErrorMessageFactory {

    private ShouldPassInAtLeast(String message) {
        super("%s", unquotedString(message));
    }

    static ErrorMessageFactory shouldPassInAtLeast(String expectation, double requiredShare, String query,
            List<String> responses, List<Judgment> judgments, List<Boolean> passed) {
        long passes = passed.stream().filter(p -> p).count();
        StringBuilder message = new StringBuilder("\nExpecting responses for query:\n").append(indent(quoted(query))).append('\n')
                .append("to ").append(expectation).append(" in at least ")
                .append(Figures.percent(requiredShare, 0)).append(" of ").append(responses.size()).append(" samples\n")
                .append("but ").append(passes).append(" of ").append(responses.size()).append(" did (")
                .append(Figures.percent(responses.isEmpty() ? 0 : (double) passes / responses.size(), 0)).append("):");
        for (int i = 0; i < responses.size(); i++) {
            Judgment j = judgments.get(i);
            message.append("\n  #").append(i + 1).append(passed.get(i) ? " pass  " : " FAIL  ")
                    .append(rating(j)).append("  ").append(shorten(responses.get(i).replace('\n', ' '), 60, "full text in the report"));
            if (!passed.get(i) && j.critique() != null && !j.critique().isBlank()) {
                message.append("\n      critique: ").append(shorten(j.critique().replace('\n', ' '), 240, "full critique in the report"));
            }
        }
        message.append("\nscenario: ").append(Messages.scenario(judgments.get(0).scenario()));
        return new ShouldPassInAtLeast(message.toString());
    }
}
