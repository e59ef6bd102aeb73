package dev.autoj.engine.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.Verdict;
import dev.autoj.engine.backend.StopReason;
import org.junit.jupiter.api.Test;

class CutOffTest {

    private static final ParsedVerdict VERDICT = ParsedVerdict.of(Verdict.RESPONSE_1);
    private static final ParsedVerdict NONE = ParsedVerdict.noVerdict("no marker");

    @Test
    void aRepetitionLoopGivesNoVerdictEvenWhenTheOutputHoldsOne() {
        assertThat(CutOff.reason(StopReason.REPETITION, VERDICT, 700, 1024))
                .contains("repetition loop").contains("700 generated tokens");
    }

    @Test
    void runningOutOfTokensCutsOnlyAnOutputWithoutAVerdict() {
        assertThat(CutOff.reason(StopReason.LENGTH, VERDICT, 1024, 1024)).isNull();
        assertThat(CutOff.reason(StopReason.LENGTH, NONE, 1024, 1024))
                .startsWith("judge output truncated at 1024 tokens (finish_reason length)");
    }

    @Test
    void anUnknownTokenCountIsTheBudget() {
        assertThat(CutOff.reason(StopReason.LENGTH, NONE, -1, 512)).startsWith("judge output truncated at 512 tokens");
    }

    @Test
    void aFinishedOrUnknownGenerationIsNotCut() {
        assertThat(CutOff.reason(StopReason.EOS, NONE, 10, 1024)).isNull();
        assertThat(CutOff.reason(null, NONE, -1, 1024)).isNull();
    }
}
