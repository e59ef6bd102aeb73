package dev.autoj.junit;

import dev.autoj.engine.Classification;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.server.ServerStartException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.opentest4j.TestAbortedException;

/**
 * The run's judge as tests see it. Requests from concurrent tests are gathered into batches:
 * while one batch is with the judge, new requests queue, and the next batch takes all of them,
 * so parallel tests reach the back end together without any added wait. It also measures the
 * time spent in the judge, and {@link #close()} does nothing: the extension closes the real
 * judge when the run ends.
 */
final class SharedJudge implements Judge {

    private final Judge delegate;
    private final Object lock = new Object();
    private final List<Pending> queue = new ArrayList<>();
    private boolean dispatching;
    private final AtomicLong judgeNanos = new AtomicLong();
    private final AtomicInteger batches = new AtomicInteger();

    SharedJudge(Judge delegate) {
        this.delegate = delegate;
    }

    /** What a queued request asks for: both orders, one given order, or a single-response grade. */
    private enum Kind { COMPARE, GIVEN_ORDER, GRADE }

    private static final class Pending {
        final Kind kind;
        final List<?> requests;
        final CompletableFuture<List<?>> result = new CompletableFuture<>();

        Pending(Kind kind, List<?> requests) {
            this.kind = kind;
            this.requests = requests;
        }
    }

    @Override
    public dev.autoj.engine.family.JudgeFamily family() {
        return delegate.family();
    }

    @Override
    public String modelId() {
        return delegate.modelId();
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Comparison> compareAll(List<CompareRequest> requests) {
        return (List<Comparison>) submit(new Pending(Kind.COMPARE, List.copyOf(requests)));
    }

    /** Sends one prompt per pair, the order given: never the interface's default, which judges both orders. */
    @Override
    @SuppressWarnings("unchecked")
    public List<Judgment> compareInGivenOrderAll(List<CompareRequest> requests) {
        return (List<Judgment>) submit(new Pending(Kind.GIVEN_ORDER, List.copyOf(requests)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Judgment> gradeAll(List<GradeRequest> requests) {
        return (List<Judgment>) submit(new Pending(Kind.GRADE, List.copyOf(requests)));
    }

    @Override
    public List<Classification> classifyAll(List<String> queries) {
        long start = System.nanoTime();
        try {
            return delegate.classifyAll(queries);
        } finally {
            judgeNanos.addAndGet(System.nanoTime() - start);
        }
    }

    @Override
    public boolean hasClassifier() {
        return delegate.hasClassifier();
    }

    /** Does nothing: the one judge of the run is closed by the extension when the run ends. */
    @Override
    public void close() {
    }

    /** Wall time spent in the judge, summed over batches. */
    long judgeNanos() {
        return judgeNanos.get();
    }

    int batches() {
        return batches.get();
    }

    int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    private List<?> submit(Pending pending) {
        boolean dispatcher;
        synchronized (lock) {
            queue.add(pending);
            dispatcher = !dispatching;
            dispatching = true;
        }
        if (dispatcher) {
            drain();
        }
        try {
            return pending.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ServerStartException start && start.alreadyReported()) {
                // The managed server's failure was reported in full by the first test that needed it; the rest are skipped.
                throw new TestAbortedException("Skipped: " + start.getMessage(), start);
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private void drain() {
        while (true) {
            List<Pending> batch;
            synchronized (lock) {
                if (queue.isEmpty()) {
                    dispatching = false;
                    return;
                }
                batch = new ArrayList<>(queue);
                queue.clear();
            }
            try {
                run(batch);
            } catch (RuntimeException | Error e) {
                if (batch.size() == 1) {
                    batch.get(0).result.completeExceptionally(e);
                } else {
                    boolean serverFailed = e instanceof ServerStartException start && !start.alreadyReported();
                    if (serverFailed) {
                        // The full report goes to one test; the retries below meet the failed start and are skipped.
                        batch.get(0).result.completeExceptionally(e);
                    }
                    // One bad request (say a replay miss) must fail only its own test: retry each alone.
                    for (Pending p : serverFailed ? batch.subList(1, batch.size()) : batch) {
                        try {
                            run(List.of(p));
                        } catch (RuntimeException | Error single) {
                            p.result.completeExceptionally(single);
                        }
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void run(List<Pending> batch) {
        java.util.Map<Kind, List<Object>> requests = new java.util.EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            requests.put(kind, new ArrayList<>());
        }
        for (Pending p : batch) {
            requests.get(p.kind).addAll(p.requests);
        }
        java.util.Map<Kind, List<?>> results = new java.util.EnumMap<>(Kind.class);
        long start = System.nanoTime();
        try {
            List<CompareRequest> compares = (List<CompareRequest>) (List<?>) requests.get(Kind.COMPARE);
            List<CompareRequest> given = (List<CompareRequest>) (List<?>) requests.get(Kind.GIVEN_ORDER);
            List<GradeRequest> grades = (List<GradeRequest>) (List<?>) requests.get(Kind.GRADE);
            results.put(Kind.COMPARE, compares.isEmpty() ? List.of() : delegate.compareAll(compares));
            results.put(Kind.GIVEN_ORDER, given.isEmpty() ? List.of() : delegate.compareInGivenOrderAll(given));
            results.put(Kind.GRADE, grades.isEmpty() ? List.of() : delegate.gradeAll(grades));
        } finally {
            judgeNanos.addAndGet(System.nanoTime() - start);
            batches.incrementAndGet();
        }
        java.util.Map<Kind, Integer> taken = new java.util.EnumMap<>(Kind.class);
        for (Pending p : batch) {
            int from = taken.getOrDefault(p.kind, 0);
            p.result.complete(List.copyOf(results.get(p.kind).subList(from, from + p.requests.size())));
            taken.put(p.kind, from + p.requests.size());
        }
    }
}
