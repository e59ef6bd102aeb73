package dev.autoj.assertions;

import dev.autoj.engine.report.SetDecision;
import dev.autoj.engine.report.SetDecisionText;
import org.assertj.core.error.BasicErrorMessageFactory;
import org.assertj.core.error.ErrorMessageFactory;

/** A set-level decision that was not a pass (fail, or inconclusive): every figure of the {@link SetDecision}. */
final class ShouldBeBetterOnSet extends BasicErrorMessageFactory {

    private ShouldBeBetterOnSet(String message) {
        super("%s", unquotedString(message));
    }

    static ErrorMessageFactory shouldBeBetterOnSet(SetDecision r) {
        return new ShouldBeBetterOnSet(SetDecisionText.message(r));
    }
}
