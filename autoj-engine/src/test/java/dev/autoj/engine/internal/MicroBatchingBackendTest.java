package dev.autoj.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.GenerationRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Prompts from concurrent callers gathered into shared back-end batches, over Auto-J's published outputs. */
class MicroBatchingBackendTest {

    @Test
    void concurrentCallersShareBatchesAndEachGetsItsOwnJudgment() throws Exception {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        List<AutoJTestbed.SingleItem> items = backend.items().subList(0, 32);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch ready = new CountDownLatch(16);
        try (Judge judge = Judges.builder().backend(backend).batchWindow(Duration.ofMillis(200), 64).build()) {
            List<Callable<List<Judgment>>> tasks = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                List<AutoJTestbed.SingleItem> mine = items.subList(2 * t, 2 * t + 2);
                tasks.add(() -> {
                    ready.countDown();
                    ready.await();
                    return judge.gradeAll(mine.stream().map(i -> new Judge.GradeRequest(i.query(), i.response(), i.scenario())).toList());
                });
            }
            List<Future<List<Judgment>>> results = pool.invokeAll(tasks);
            for (int t = 0; t < 16; t++) {
                List<Judgment> judgments = results.get(t).get();
                assertThat(judgments.get(0).rawOutput()).isEqualTo(items.get(2 * t).output());
                assertThat(judgments.get(1).rawOutput()).isEqualTo(items.get(2 * t + 1).output());
            }
        } finally {
            pool.shutdown();
        }
        assertThat(backend.batches.stream().mapToInt(List::size).sum()).isEqualTo(32);
        assertThat(backend.batches.size()).isLessThan(16);
    }

    @Test
    void aBatchFailureReachesEveryCallerInIt() {
        PublishedOutputsBackend backend = new PublishedOutputsBackend();
        try (MicroBatchingBackend batching = new MicroBatchingBackend(backend, Duration.ofMillis(5), 8)) {
            assertThatThrownBy(() -> batching.generate(List.of(new GenerationRequest("[INST] not a testbed prompt [/INST]", 1024))))
                    .isInstanceOf(BackendException.class).hasMessageContaining("No published Auto-J output");
        }
    }

    @Test
    void aClosedBatcherRefusesWork() {
        MicroBatchingBackend batching = new MicroBatchingBackend(new PublishedOutputsBackend(), Duration.ofMillis(5), 8);
        batching.close();
        assertThatThrownBy(() -> batching.generate(List.of(new GenerationRequest("p", 1))))
                .isInstanceOf(BackendException.class).hasMessageContaining("is closed");
    }
}
