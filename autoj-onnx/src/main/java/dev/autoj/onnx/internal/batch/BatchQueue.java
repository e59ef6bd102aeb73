package dev.autoj.onnx.internal.batch;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The queue in front of one decoding thread: callers add work, the thread takes everything waiting
 * (up to {@code maxBatch}) as one batch; work that arrives while a batch runs waits for the next. No
 * item waits for company: a lone item is a batch of one at once. Used by the engine's
 * {@code BatchScheduler} (prompts → one forward pass) and by {@code autoj serve}'s batcher (HTTP
 * requests → one {@code generate} call). Not API.
 *
 * <pre>{@code
 * BatchQueue<Job> queue = new BatchQueue<>(8);
 * queue.addAll(List.of(job));                 // a caller
 * queue.drain(batch -> run(batch));          // the decoding thread, until close()
 * }</pre>
 *
 * @param <T> one unit of work
 */
public final class BatchQueue<T> {

    private final int maxBatch;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private final Object lock = new Object();
    private boolean closed;
    private boolean running;

    /** @param maxBatch the most items one batch takes, at least 1 */
    public BatchQueue(int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.maxBatch = maxBatch;
    }

    /** Queues {@code items} together (so they share a batch when they fit); false, and nothing queued, once closed. */
    public boolean addAll(Collection<T> items) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            queue.addAll(items);
            lock.notifyAll();
            return true;
        }
    }

    /**
     * For the decoding thread: ends the batch it took before, waits until something is queued and
     * takes up to {@code maxBatch} items; an empty list once closed (the thread then ends).
     *
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    public List<T> take() throws InterruptedException {
        synchronized (lock) {
            running = false;
            lock.notifyAll();
            while (queue.isEmpty() && !closed) {
                lock.wait();
            }
            if (closed) {
                return List.of();
            }
            List<T> batch = new ArrayList<>();
            while (!queue.isEmpty() && batch.size() < maxBatch) {
                batch.add(queue.poll());
            }
            running = true;
            return batch;
        }
    }

    /**
     * The decoding thread's loop: takes batch after batch and hands each to {@code action}, until
     * closed or interrupted. {@code action} must not throw (it completes its items itself).
     */
    public void drain(java.util.function.Consumer<List<T>> action) {
        try {
            while (true) {
                List<T> batch = take();
                if (batch.isEmpty()) {
                    return;
                }
                action.accept(batch);
            }
        } catch (InterruptedException e) {
            // the thread is asked to end
        } finally {
            ended();
        }
    }

    /** Items waiting for a batch (not those of the running one). */
    public int size() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /** Takes no more items and answers those still waiting (the caller fails them); idempotent. */
    public List<T> close() {
        synchronized (lock) {
            closed = true;
            List<T> left = new ArrayList<>(queue);
            queue.clear();
            lock.notifyAll();
            return left;
        }
    }

    /**
     * Waits, up to {@code within}, until the decoding thread is not running a batch (it has asked for the next, or ended).
     *
     * @return true when no batch is running
     */
    public boolean awaitIdle(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (lock) {
            while (running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Marks the running batch ended when the decoding thread stops without asking for another. */
    public void ended() {
        synchronized (lock) {
            running = false;
            lock.notifyAll();
        }
    }
}
