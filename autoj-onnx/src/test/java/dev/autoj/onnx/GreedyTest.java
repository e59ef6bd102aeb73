package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.backend.StopReason;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GreedyTest {

    @Test
    @DisplayName("greedy argmax breaks ties toward the lowest id")
    void argmaxTiesGoToTheLowestId() {
        assertThat(Greedy.argmax(new float[] {0.5f, 2f, -1f, 2f, 2f})).isEqualTo(1);
        assertThat(Greedy.argmax(new float[] {3f, 3f})).isZero();
        assertThat(Greedy.argmax(new float[] {-4f, -3f, -3.5f})).isEqualTo(1);
    }

    @Test
    @DisplayName("a sequence stops at EOS without keeping it, at its budget, or in a repetition loop")
    void theStopRule() {
        Greedy.Sequence eos = new Greedy.Sequence(List.of(2), 5);
        eos.accept(7);
        eos.accept(2);
        assertThat(eos.reason()).isEqualTo(StopReason.EOS);
        assertThat(eos.tokens()).containsExactly(7);

        Greedy.Sequence budget = new Greedy.Sequence(List.of(2), 3);
        for (int token : new int[] {7, 8, 9}) {
            assertThat(budget.running()).isTrue();
            budget.accept(token);
        }
        assertThat(budget.reason()).isEqualTo(StopReason.LENGTH);
        assertThat(budget.tokens()).containsExactly(7, 8, 9);
        assertThat(budget.last()).isEqualTo(9);

        Greedy.Sequence loop = new Greedy.Sequence(List.of(2), 1000);
        int accepted = 0;
        while (loop.running()) {
            loop.accept(accepted++ % 2 == 0 ? 5 : 6);
        }
        assertThat(loop.reason()).isEqualTo(StopReason.REPETITION);
        assertThat(accepted).isEqualTo(RepetitionGuard.MIN_SPAN);
    }
}
