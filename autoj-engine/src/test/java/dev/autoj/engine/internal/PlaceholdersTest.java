package dev.autoj.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one template filling of both judge families: values are copied, never scanned; a broken template fails. */
class PlaceholdersTest {

    @Test
    void aValueIsCopiedVerbatimAndNeverFilledAgain() {
        assertThat(Placeholders.fill("[Query]: {prompt}\n[Response]: {response}",
                Map.of("prompt", "say {response} $1 \\n {{}}", "response", "}{")))
                .isEqualTo("[Query]: say {response} $1 \\n {{}}\n[Response]: }{");
    }

    @Test
    void aPlaceholderWithoutAValueAndASingleClosingBraceAreBrokenTemplates() {
        assertThatIllegalStateException().isThrownBy(() -> Placeholders.fill("a {b} c", Map.of()))
                .withMessage("template placeholder without a value at offset 2: a {b} c");
        assertThatIllegalStateException().isThrownBy(() -> Placeholders.fill("a {b", Map.of("b", "x")))
                .withMessageStartingWith("template placeholder without a value at offset 2");
        assertThatIllegalStateException().isThrownBy(() -> Placeholders.fill("a } c", Map.of()))
                .withMessage("single '}' at offset 2 of template: a } c");
    }
}
