package dev.autoj.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.assertions.fixtures.PublishedJudge;
import dev.autoj.assertions.fixtures.Testbed;
import dev.autoj.engine.Classification;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.server.ServerStartException;
import dev.autoj.engine.store.ReplayMissException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SharedJudgeTest {

    /** Holds the first batch at the judge until the test lets it go, so later requests must queue. */
    private static final class GatedJudge implements Judge {
        final PublishedJudge published = new PublishedJudge();
        final CountDownLatch firstBatchArrived = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public List<Comparison> compareAll(List<CompareRequest> requests) {
            return published.compareAll(requests);
        }

        @Override
        public List<Judgment> compareInGivenOrderAll(List<CompareRequest> requests) {
            return published.compareInGivenOrderAll(requests);
        }

        @Override
        public List<Judgment> gradeAll(List<GradeRequest> requests) {
            firstBatchArrived.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return published.gradeAll(requests);
        }

        @Override
        public List<Classification> classifyAll(List<String> queries) {
            return published.classifyAll(queries);
        }

        @Override
        public boolean hasClassifier() {
            return published.hasClassifier();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void requestsArrivingWhileTheJudgeIsBusyGoTogetherAsOneBatch() throws Exception {
        var a = Testbed.single(128);
        var b = Testbed.single(122);
        var c = Testbed.single(181);
        var p = Testbed.pair(69);
        GatedJudge gated = new GatedJudge();
        SharedJudge shared = new SharedJudge(gated);

        CompletableFuture<Judgment> first = CompletableFuture.supplyAsync(() -> shared.grade(a.query(), a.response(), Scenario.DEFAULT));
        assertThat(gated.firstBatchArrived.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Judgment> second = CompletableFuture.supplyAsync(() -> shared.grade(b.query(), b.response(), Scenario.DEFAULT));
        CompletableFuture<Comparison> third = CompletableFuture.supplyAsync(
                () -> shared.compare(p.query(), p.response1(), p.response2(), Scenario.DEFAULT));
        CompletableFuture<Judgment> fourth = CompletableFuture.supplyAsync(() -> shared.grade(c.query(), c.response(), Scenario.DEFAULT));
        while (shared.queued() < 3) {
            Thread.onSpinWait();
        }
        gated.release.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS).rating()).isEqualTo(7.0);
        assertThat(second.get(30, TimeUnit.SECONDS).rating()).isEqualTo(1.0);
        assertThat(third.get(30, TimeUnit.SECONDS).combined()).isEqualTo(dev.autoj.engine.Verdict.RESPONSE_1);
        assertThat(fourth.get(30, TimeUnit.SECONDS).rating()).isEqualTo(7.0);
        assertThat(shared.batches()).isEqualTo(2);
        // The three queued requests went on together: one compareAll, then one gradeAll of two.
        assertThat(gated.published.largestBatch()).isEqualTo(2);
        assertThat(gated.published.batches()).isEqualTo(3);
    }

    @Test
    void aFailingRequestFailsOnlyItsOwnCallerWhenBatchedWithOthers() throws Exception {
        var a = Testbed.single(128);
        GatedJudge gated = new GatedJudge();
        SharedJudge shared = new SharedJudge(gated);
        CompletableFuture<Judgment> blocker = CompletableFuture.supplyAsync(() -> shared.grade(a.query(), a.response(), Scenario.DEFAULT));
        assertThat(gated.firstBatchArrived.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Judgment> good = CompletableFuture.supplyAsync(() -> shared.grade(a.query(), a.response(), Scenario.DEFAULT));
        CompletableFuture<Judgment> unknown = CompletableFuture.supplyAsync(
                () -> shared.grade("a query the testbed never judged", "an answer", Scenario.DEFAULT));
        while (shared.queued() < 2) {
            Thread.onSpinWait();
        }
        gated.release.countDown();
        assertThat(blocker.get(30, TimeUnit.SECONDS).rating()).isEqualTo(7.0);
        assertThat(good.get(30, TimeUnit.SECONDS).rating()).isEqualTo(7.0);
        assertThatThrownBy(() -> unknown.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ReplayMissException.class)
                .hasMessageContaining("a query the testbed never judg");
    }

    @Test
    void closingTheSharedViewLeavesTheRealJudgeOpen() {
        GatedJudge gated = new GatedJudge();
        int[] closes = {0};
        Judge counting = new Judge() {
            @Override
            public List<Comparison> compareAll(List<CompareRequest> requests) {
                return gated.compareAll(requests);
            }

            @Override
            public List<Judgment> compareInGivenOrderAll(List<CompareRequest> requests) {
                return gated.compareInGivenOrderAll(requests);
            }

            @Override
            public List<Judgment> gradeAll(List<GradeRequest> requests) {
                return gated.gradeAll(requests);
            }

            @Override
            public List<Classification> classifyAll(List<String> queries) {
                return gated.classifyAll(queries);
            }

            @Override
            public boolean hasClassifier() {
                return gated.hasClassifier();
            }

            @Override
            public void close() {
                closes[0]++;
            }
        };
        new SharedJudge(counting).close();
        assertThat(closes[0]).isZero();
    }

    @Test
    void aManagedServerThatFailsUnderABatchFailsOneTestInFullAndSkipsTheOthers() throws Exception {
        var a = Testbed.single(128);
        GatedJudge gated = new GatedJudge();
        ServerStartException first = new ServerStartException("The judge server exited with code 1 (full report)");
        int[] calls = {0};
        Judge failing = new Judge() {
            @Override
            public List<Comparison> compareAll(List<CompareRequest> requests) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<Judgment> compareInGivenOrderAll(List<CompareRequest> requests) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<Judgment> gradeAll(List<GradeRequest> requests) {
                if (++calls[0] == 1) {
                    return gated.gradeAll(requests);
                }
                throw calls[0] == 2 ? first : ServerStartException.repeatOf(first, "could not be started earlier");
            }

            @Override
            public List<Classification> classifyAll(List<String> queries) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean hasClassifier() {
                return false;
            }

            @Override
            public void close() {
            }
        };
        SharedJudge shared = new SharedJudge(failing);
        CompletableFuture<Judgment> blocker = CompletableFuture.supplyAsync(() -> shared.grade(a.query(), a.response(), Scenario.DEFAULT));
        assertThat(gated.firstBatchArrived.await(30, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Throwable>> batched = List.of(1, 2, 3).stream().map(i -> CompletableFuture.supplyAsync(() -> {
            try {
                shared.grade(a.query(), a.response(), Scenario.DEFAULT);
                return (Throwable) null;
            } catch (RuntimeException e) {
                return (Throwable) e;
            }
        })).toList();
        while (shared.queued() < 3) {
            Thread.onSpinWait();
        }
        gated.release.countDown();
        assertThat(blocker.get(30, TimeUnit.SECONDS).rating()).isEqualTo(7.0);

        List<Throwable> outcomes = new java.util.ArrayList<>();
        for (CompletableFuture<Throwable> f : batched) {
            outcomes.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(outcomes).filteredOn(t -> t == first).hasSize(1);
        assertThat(outcomes).filteredOn(t -> t instanceof org.opentest4j.TestAbortedException).hasSize(2)
                .allSatisfy(t -> assertThat(t).hasMessage("Skipped: could not be started earlier"));
    }
}
