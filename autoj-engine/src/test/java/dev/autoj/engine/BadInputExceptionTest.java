package dev.autoj.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** One rendering of "where: problem; fix" for every bad-input exception, and the parts kept apart. */
class BadInputExceptionTest {

    private static final class Fault extends BadInputException {
        private static final long serialVersionUID = 1L;

        Fault(Path file, int line, String field) {
            super(file, line, field, "is 0", "write 1 or 2", null);
        }
    }

    @Test
    void thePlaceIsTheFileItsLineAndTheFieldAsFarAsTheyAreKnown() {
        Path file = Path.of("cases.jsonl");

        assertThat(new Fault(file, 4, "label")).hasMessage("cases.jsonl line 4, field \"label\": is 0; write 1 or 2");
        assertThat(new Fault(file, 4, null)).hasMessage("cases.jsonl line 4: is 0; write 1 or 2");
        assertThat(new Fault(file, 0, null)).hasMessage("cases.jsonl: is 0; write 1 or 2");
        assertThat(new Fault(file, 0, "label")).hasMessage("cases.jsonl, field \"label\": is 0; write 1 or 2");
    }

    @Test
    void withoutAFileTheProblemNamesTheFieldItselfAndTheFieldIsStillKept() {
        Fault fault = new Fault(null, 0, "label");

        assertThat(fault).hasMessage("is 0; write 1 or 2").isInstanceOf(IllegalArgumentException.class);
        assertThat(fault.field()).isEqualTo("label");
        assertThat(fault.file()).isNull();
        assertThat(fault.line()).isZero();
        assertThat(fault.problem()).isEqualTo("is 0");
        assertThat(fault.fix()).isEqualTo("write 1 or 2");
    }

    @Test
    void aFaultWithoutProblemOrFixIsAProgrammingError() {
        assertThatNullPointerException().isThrownBy(() -> new BadInputException(null, 0, null, null, "fix", null) {
            private static final long serialVersionUID = 1L;
        }).withMessage("problem");
    }
}
