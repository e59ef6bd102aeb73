package dev.autoj.assertions;

import dev.autoj.engine.agreement.LabelledCases;
import org.assertj.core.error.BasicErrorMessageFactory;
import org.assertj.core.error.ErrorMessageFactory;

/** Failure of an agreement expectation: what was expected, what was measured, and the whole report. */
final class ShouldAgreeWithLabels extends BasicErrorMessageFactory {

    private ShouldAgreeWithLabels(String message) {
        super("%s", unquotedString(message));
    }

    static ErrorMessageFactory shouldAgreeWithLabels(String expectation, String measured, LabelledCases cases, String report) {
        return new ShouldAgreeWithLabels("\nExpecting the judge, on " + cases.size() + " labelled cases from " + cases.source() + ",\n"
                + expectation + "\nbut " + measured + ".\n\n" + report);
    }
}
