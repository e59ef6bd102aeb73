package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CacheBudgetTest {

    private static BatchScheduler.Job job(int promptTokens, int budget) {
        return new BatchScheduler.Job(new int[promptTokens], budget);
    }

    @Test
    @DisplayName("a batch's cache peak: every row at its longest prompt plus largest budget, one prompt beside them, and a"
            + " prefill chunk's new keys and values")
    void needCountsRowsAndOnePrefill() {
        assertThat(CacheBudget.need(List.of(job(100, 20)), 10)).isEqualTo((120 + 100) * 10);
        assertThat(CacheBudget.need(List.of(job(100, 20), job(30, 50)), 10)).isEqualTo((2 * (100 + 50) + 100 + 100) * 10);
        assertThat(CacheBudget.need(List.of(job(1000, 200)), 10)).as("a chunk is at most " + BatchScheduler.PREFILL_CHUNK)
                .isEqualTo((1200 + BatchScheduler.PREFILL_CHUNK) * 10);
    }

    @Test
    @DisplayName("jobs are cut in order into groups that fit; a job that fits nowhere still gets a group of its own")
    void groupsFitTheHeadroom() {
        List<BatchScheduler.Job> jobs = List.of(job(10, 10), job(10, 10), job(10, 10), job(500, 10), job(10, 10));
        // two rows of 20 slots, a 10-slot prefill and its 10 slots of new keys and values: 60 slots
        List<List<BatchScheduler.Job>> groups = CacheBudget.groups(jobs, 1, 60);
        assertThat(groups).extracting(List::size).containsExactly(2, 1, 1, 1);
        assertThat(groups.get(2)).containsExactly(jobs.get(3));
        assertThat(CacheBudget.groups(jobs, 1, Long.MAX_VALUE)).hasSize(1);
    }

    @Test
    @DisplayName("the headroom is positive and, with no -XX:MaxDirectMemorySize, no more than the maximum heap")
    void headroomIsBounded() {
        assertThat(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
                .noneMatch(a -> a.startsWith("-XX:MaxDirectMemorySize"));
        assertThat(CacheBudget.headroom()).isPositive().isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
    }
}
