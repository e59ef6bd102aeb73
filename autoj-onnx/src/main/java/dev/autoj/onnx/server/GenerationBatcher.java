package dev.autoj.onnx.server;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.onnx.internal.batch.BatchQueue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gathers generation requests from concurrent callers (the HTTP threads of {@code autoj serve})
 * into batches for one {@link Backend}: one decoding thread takes every waiting request (up to
 * {@code maxBatch}, through the same {@link BatchQueue} as the engine's own scheduler) and passes
 * them to {@link Backend#generate} as one list; requests that arrive while a batch runs wait for
 * the next one.
 *
 * <p>When a batch of several fails, each of its requests is tried again alone, so that one request
 * the back end refuses fails only itself.
 *
 * <pre>{@code
 * try (GenerationBatcher batcher = new GenerationBatcher(backend, 8)) {
 *     Generation g = batcher.submit(new GenerationRequest(prompt, 1024)).join();
 * }
 * }</pre>
 */
final class GenerationBatcher implements AutoCloseable {

    /** How long {@link #close()} lets a running batch finish before giving up on it. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(15);

    private record Pending(GenerationRequest request, CompletableFuture<Generation> result) {
    }

    private final Backend backend;
    private final BatchQueue<Pending> queue;
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicInteger generations = new AtomicInteger();

    GenerationBatcher(Backend backend, int maxBatch) {
        this.backend = backend;
        this.queue = new BatchQueue<>(maxBatch);
        Thread worker = new Thread(() -> queue.drain(this::runBatch), "autoj-serve-batcher");
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues one request; the future completes with its generation, or exceptionally with a {@link BackendException}. */
    CompletableFuture<Generation> submit(GenerationRequest request) {
        CompletableFuture<Generation> result = new CompletableFuture<>();
        if (!queue.addAll(List.of(new Pending(request, result)))) {
            result.completeExceptionally(new BackendException("the server is stopping; the request was not run"));
        }
        return result;
    }

    /** Calls to {@link Backend#generate} so far (retries of a failed batch's requests alone included). */
    int batches() {
        return batches.get();
    }

    /** Requests answered or failed so far. */
    int generations() {
        return generations.get();
    }

    /** Requests waiting for the next batch (not those in the running one). */
    int queued() {
        return queue.size();
    }

    private void runBatch(List<Pending> batch) {
        try {
            complete(batch, generate(batch));
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                fail(batch.get(0), e);
                return;
            }
            for (Pending alone : batch) {
                try {
                    complete(List.of(alone), generate(List.of(alone)));
                } catch (RuntimeException | Error single) {
                    fail(alone, single);
                }
            }
        }
    }

    private List<Generation> generate(List<Pending> batch) {
        batches.incrementAndGet();
        List<Generation> out = backend.generate(batch.stream().map(Pending::request).toList());
        if (out.size() != batch.size()) {
            throw new BackendException("the back end answered " + out.size() + " generations for " + batch.size() + " requests");
        }
        return out;
    }

    private void complete(List<Pending> batch, List<Generation> results) {
        for (int i = 0; i < batch.size(); i++) {
            generations.incrementAndGet();
            batch.get(i).result().complete(results.get(i));
        }
    }

    private void fail(Pending pending, Throwable e) {
        generations.incrementAndGet();
        pending.result().completeExceptionally(e);
    }

    /**
     * Takes no more requests, fails those still waiting, and waits up to {@link #CLOSE_GRACE} for
     * the running batch to finish.
     *
     * @return true when no batch is running any more, so the back end can be closed safely
     */
    boolean stop() {
        for (Pending p : queue.close()) {
            p.result().completeExceptionally(new BackendException("the server is stopping; the request was not run"));
        }
        return queue.awaitIdle(CLOSE_GRACE);
    }

    @Override
    public void close() {
        stop();
    }
}
