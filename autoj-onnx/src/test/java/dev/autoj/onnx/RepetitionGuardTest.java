package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RepetitionGuardTest {

    private static int[] cycle(int period, int length) {
        return IntStream.range(0, length).map(i -> 100 + i % period).toArray();
    }

    @Test
    @DisplayName("one token repeated 64 times is a loop; 63 times is not yet")
    void singleTokenLoop() {
        assertThat(RepetitionGuard.loops(cycle(1, 64), 64)).isTrue();
        assertThat(RepetitionGuard.loops(cycle(1, 63), 63)).isFalse();
    }

    @Test
    @DisplayName("a block of 32 tokens needs four copies; a block of 7 needs 64 tokens' worth")
    void longerPeriodsNeedMoreTokens() {
        assertThat(RepetitionGuard.loops(cycle(32, 127), 127)).isFalse();
        assertThat(RepetitionGuard.loops(cycle(32, 128), 128)).isTrue();
        assertThat(RepetitionGuard.loops(cycle(7, 69), 69)).isFalse();
        assertThat(RepetitionGuard.loops(cycle(7, 70), 70)).isTrue();
    }

    @Test
    @DisplayName("a period above 32 tokens is not treated as a loop, and neither is varied text")
    void longPeriodsAndVariedTextPass() {
        assertThat(RepetitionGuard.loops(cycle(33, 300), 300)).isFalse();
        int[] varied = IntStream.range(0, 200).map(i -> (i * 7919) % 1000).toArray();
        assertThat(RepetitionGuard.loops(varied, 200)).isFalse();
    }

    @Test
    @DisplayName("only the end counts: a loop that was broken off is not a loop")
    void onlyTheTailCounts() {
        int[] tokens = cycle(1, 80);
        tokens[79] = 5;
        assertThat(RepetitionGuard.loops(tokens, 80)).isFalse();
        assertThat(RepetitionGuard.loops(tokens, 79)).isTrue();
    }
}
