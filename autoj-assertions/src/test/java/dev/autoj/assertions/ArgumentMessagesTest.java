package dev.autoj.assertions;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A refused argument names the method, what it takes and the value given (Messages.checked), with ints and doubles as Java prints them. */
class ArgumentMessagesTest {

    private final CandidatesAssert candidates = new CandidatesAssert(List.of());

    @Test
    void aDoubleOutOfRangeIsNamedWithWhatTheMethodTakes() {
        assertThatThrownBy(() -> candidates.atSignificance(0.7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("atSignificance(alpha) takes 0 < alpha < 0.5, e.g. 0.05, not 0.7");
        assertThatThrownBy(() -> candidates.sequentially(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sequentially(p1) takes the win share to detect, 0.5 < p1 < 1, e.g. 0.65, not NaN");
        assertThatThrownBy(() -> candidates.isNotWorseThanBaseline(-0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("isNotWorseThanBaseline(margin) takes a margin of mean case score, 0 <= margin < 0.5, e.g. 0.05, not -0.1");
    }

    @Test
    void anIntIsPrintedAsAnInt() {
        assertThatThrownBy(() -> candidates.inChunksOf(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inChunksOf(cases) takes at least 1 case, not 0");
    }
}
