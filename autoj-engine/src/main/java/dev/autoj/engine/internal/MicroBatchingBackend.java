package dev.autoj.engine.internal;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Gathers the prompts that callers on different threads send within a short window into one
 * {@code generate} call of the wrapped back end, which suits an engine that decodes a batch in one
 * pass (the embedded ONNX engine on one GPU). One batch is in flight at a time; prompts arriving
 * meanwhile form the next one. Not API; enabled with {@code Judges.builder().batchWindow(..)}.
 */
public final class MicroBatchingBackend implements Backend {

    private record Waiting(List<GenerationRequest> requests, CompletableFuture<List<Generation>> result) {
    }

    private final Backend delegate;
    private final long windowNanos;
    private final int maxBatch;
    private final BlockingQueue<Waiting> queue = new LinkedBlockingQueue<>();
    private final Thread dispatcher;
    private volatile boolean closed;

    /**
     * @param window how long the first prompt of a batch waits for others
     * @param maxBatch prompts at which a batch is sent without waiting longer
     */
    public MicroBatchingBackend(Backend delegate, Duration window, int maxBatch) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the batch window must be positive, got " + window);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.delegate = delegate;
        this.windowNanos = window.toNanos();
        this.maxBatch = maxBatch;
        this.dispatcher = new Thread(this::dispatch, "autoj-micro-batcher-" + delegate.name());
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String modelId() {
        return delegate.modelId();
    }

    @Override
    public List<Generation> generate(List<GenerationRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        if (closed) {
            throw new BackendException("The back end '" + delegate.name() + "' is closed; the judge that owns it was closed");
        }
        Waiting waiting = new Waiting(List.copyOf(requests), new CompletableFuture<>());
        queue.add(waiting);
        if (closed && queue.remove(waiting)) {
            // Closed between the check and the add: the dispatcher may be gone and would never answer.
            throw new BackendException("The back end '" + delegate.name() + "' is closed; the judge that owns it was closed");
        }
        try {
            return waiting.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("Interrupted while waiting for the back end '" + delegate.name() + "'", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            // Rethrown on the caller's thread so that its stack shows who asked.
            throw new BackendException(cause.getMessage(), cause);
        }
    }

    private void dispatch() {
        while (!closed) {
            List<Waiting> group = new ArrayList<>();
            try {
                Waiting first = queue.take();
                group.add(first);
                int size = first.requests().size();
                long deadline = System.nanoTime() + windowNanos;
                while (size < maxBatch) {
                    Waiting next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    group.add(next);
                    size += next.requests().size();
                }
            } catch (InterruptedException e) {
                fail(group, new BackendException("The back end '" + delegate.name() + "' was closed before it answered"));
                break;
            }
            run(group);
        }
        List<Waiting> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, new BackendException("The back end '" + delegate.name() + "' was closed before it answered"));
    }

    private void run(List<Waiting> group) {
        List<GenerationRequest> all = new ArrayList<>();
        group.forEach(w -> all.addAll(w.requests()));
        try {
            List<Generation> generations = delegate.generate(all);
            if (generations == null || generations.size() != all.size()) {
                throw new BackendException("The back end '" + delegate.name() + "' answered "
                        + (generations == null ? "null" : generations.size() + " generations") + " for a batch of "
                        + all.size() + " prompts; a back end must answer every prompt in order.");
            }
            int from = 0;
            for (Waiting w : group) {
                w.result().complete(List.copyOf(generations.subList(from, from + w.requests().size())));
                from += w.requests().size();
            }
        } catch (RuntimeException | Error e) {
            fail(group, e);
        }
    }

    private static void fail(List<Waiting> group, Throwable failure) {
        group.forEach(w -> w.result().completeExceptionally(failure));
    }

    @Override
    public void close() {
        closed = true;
        dispatcher.interrupt();
        try {
            dispatcher.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            delegate.close();
        }
    }
}
