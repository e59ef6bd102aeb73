package dev.autoj.onnx;

import dev.autoj.engine.backend.BackendException;
import dev.autoj.onnx.internal.batch.BatchQueue;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.IntConsumer;

/**
 * One decoding thread fed by a queue: it takes up to {@code maxBatch} waiting jobs and decodes
 * them as one batch, so concurrent callers share every forward pass; jobs that arrive while a
 * batch runs wait for the next one.
 *
 * <p>A batch whose key/value caches would not fit the memory left for them is decoded as several
 * smaller ones ({@link CacheBudget}). A batch is left-padded to its longest prompt. Padding, and
 * the filler steps of sequences that already stopped, are hidden from attention and take no
 * position (see
 * {@link StepDecoder#forward(KvCache, int[][], boolean[][], boolean)}), so each
 * sequence's tokens are those it would get alone.
 */
final class BatchScheduler implements AutoCloseable {

    /** A prompt already checked against the vocabulary and the context window, and its budget. */
    record Job(int[] prompt, int budget, CompletableFuture<TokenGeneration> result) {
        Job(int[] prompt, int budget) {
            this(prompt, budget, new CompletableFuture<>());
        }
    }

    /** Longest piece of a prompt prefilled in one run (see {@code prefill}). */
    static final int PREFILL_CHUNK = 256;

    private final DecoderSession session;
    private final ModelConfig config;
    private final BatchQueue<Job> queue;
    private final Object lock = new Object();
    private final IntConsumer batchStarted;
    /** Bytes the key/value caches of a batch may take now ({@link CacheBudget#headroom()}; tests set less). */
    private final java.util.function.LongSupplier cacheHeadroom;
    private volatile IntConsumer stepRows = rows -> { };
    private Thread worker;
    private boolean closed;

    BatchScheduler(DecoderSession session, ModelConfig config, int maxBatch) {
        this(session, config, maxBatch, size -> { });
    }

    /** With {@code batchStarted} told each batch's size on the decoding thread before it runs (tests observe batching). */
    BatchScheduler(DecoderSession session, ModelConfig config, int maxBatch, IntConsumer batchStarted) {
        this(session, config, maxBatch, batchStarted, CacheBudget::headroom);
    }

    /** As above, with the memory a batch's key/value caches may take given by {@code cacheHeadroom}. */
    BatchScheduler(DecoderSession session, ModelConfig config, int maxBatch, IntConsumer batchStarted,
            java.util.function.LongSupplier cacheHeadroom) {
        this.cacheHeadroom = cacheHeadroom;
        this.session = session;
        this.config = config;
        this.queue = new BatchQueue<>(maxBatch);
        this.batchStarted = batchStarted;
    }

    /** Tells {@code listener} the number of sequences in each decoding step after the prefill (tests observe shrinking). */
    void onStep(IntConsumer listener) {
        this.stepRows = listener;
    }

    /** Jobs waiting for a batch. */
    int queued() {
        return queue.size();
    }

    /** Queues {@code jobs} together (so they share a batch when they fit) and waits for all of them. */
    List<TokenGeneration> submitAndWait(List<Job> jobs) {
        synchronized (lock) {
            if (closed) {
                throw new BackendException("The ONNX back end is closed; open a new one.");
            }
            if (worker == null) {
                worker = new Thread(() -> queue.drain(this::run), "autoj-onnx-decoder");
                worker.setDaemon(true);
                worker.start();
            }
            if (!queue.addAll(jobs)) {
                throw new BackendException("The ONNX back end is closed; open a new one.");
            }
        }
        List<TokenGeneration> out = new ArrayList<>();
        for (Job job : jobs) {
            out.add(await(job));
        }
        return out;
    }

    private static TokenGeneration await(Job job) {
        try {
            return job.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("Interrupted while waiting for a generation; the request was abandoned.", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BackendException backend) {
                throw new BackendException(backend.getMessage(), backend);
            }
            throw new BackendException("Generation failed: " + e.getCause(), e.getCause());
        }
    }

    private void run(List<Job> batch) {
        List<List<Job>> groups = session.generationGraph() ? List.of(batch)
                : CacheBudget.groups(batch, KvCache.bytesPerSlot(config), cacheHeadroom.getAsLong());
        for (List<Job> group : groups) {
            try {
                batchStarted.accept(group.size());
                List<TokenGeneration> results = decode(group);
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).result().complete(results.get(i));
                }
            } catch (RuntimeException | Error e) {
                group.forEach(job -> job.result().completeExceptionally(e));
            }
        }
    }

    /** Greedy decoding of {@code jobs} as one batch, by the route the session was built for. */
    List<TokenGeneration> decode(List<Job> jobs) {
        return session.generationGraph() ? decodeInOneRun(jobs) : decodeStepwise(jobs);
    }

    /**
     * The generation graph: prefill and every step in one run, then each row's tokens taken one by
     * one through the same {@link Greedy.Sequence} rule as the step loop. Rows that stopped kept computing in
     * the run; their later tokens are dropped here. The run cannot be split into prefill and
     * decoding, so {@code prefillNanos} is 0 and {@code decodeNanos} the whole run.
     */
    private List<TokenGeneration> decodeInOneRun(List<Job> jobs) {
        int n = jobs.size();
        int[][] prompts = new int[n][];
        int[] budgets = new int[n];
        for (int b = 0; b < n; b++) {
            prompts[b] = jobs.get(b).prompt();
            budgets[b] = jobs.get(b).budget();
        }
        long start = System.nanoTime();
        int[][] tokens = session.loop().generate(prompts, budgets);
        long run = System.nanoTime() - start;
        List<TokenGeneration> out = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            Greedy.Sequence row = new Greedy.Sequence(config.eosIds(), budgets[b]);
            for (int t = 0; t < tokens[b].length && row.running(); t++) {
                row.accept(tokens[b][t]);
            }
            if (row.running()) {
                throw new BackendException("The generation graph stopped after " + tokens[b].length + " steps, before prompt "
                        + (b + 1) + " of " + n + " reached EOS or its budget of " + budgets[b] + " tokens; this is a bug in "
                        + "the graph's stopping rule. Use route STEP meanwhile.");
            }
            out.add(new TokenGeneration(row.tokens(), row.reason(), prompts[b].length, 0, run));
        }
        return out;
    }

    /** The step loop: one run per token, finished rows leaving the cache. */
    private List<TokenGeneration> decodeStepwise(List<Job> jobs) {
        int n = jobs.size();
        Greedy.Sequence[] state = new Greedy.Sequence[n];
        long[] finished = new long[n];
        for (int b = 0; b < n; b++) {
            state[b] = new Greedy.Sequence(config.eosIds(), jobs.get(b).budget());
        }
        StepDecoder steps = session.steps();
        long start = System.nanoTime();
        long prefill = 0;
        float[][][] logits = new float[n][][];
        KvCache merged;
        if (n == 1) {
            merged = steps.newCache(jobs.get(0).prompt().length + jobs.get(0).budget());
            logits[0] = prefill(steps, merged, jobs.get(0));
        } else {
            // each prompt prefilled alone, then copied into its row of the batch's cache: at most one
            // prompt's cache beside the batch's
            int longest = jobs.stream().mapToInt(j -> j.prompt().length).max().orElseThrow();
            int room = jobs.stream().mapToInt(Job::budget).max().orElseThrow();
            merged = KvCache.forBatch(steps.newCache(), n, longest, longest + room);
            try {
                for (int b = 0; b < n; b++) {
                    try (KvCache single = steps.newCache(jobs.get(b).prompt().length)) {
                        logits[b] = prefill(steps, single, jobs.get(b));
                        merged.putRow(b, single);
                    }
                }
            } catch (RuntimeException | Error e) {
                merged.close();
                throw e;
            }
        }
        try (KvCache cache = merged) {
            // rows[i]: the job whose sequence is row i of the cache; shrinks as sequences stop
            int[] rows = java.util.stream.IntStream.range(0, n).toArray();
            boolean first = true;
            while (true) {
                for (int i = 0; i < rows.length; i++) {
                    state[rows[i]].accept(Greedy.argmax(logits[i][0]));
                }
                long now = System.nanoTime();
                if (first) {
                    prefill = now - start;
                    first = false;
                }
                int[] running = Arrays.stream(rows).filter(b -> state[b].running()).toArray();
                for (int b : rows) {
                    if (!state[b].running()) {
                        finished[b] = now;
                    }
                }
                if (running.length == 0) {
                    break;
                }
                if (running.length < rows.length) {
                    int[] keep = new int[running.length];
                    for (int i = 0, k = 0; i < rows.length; i++) {
                        if (state[rows[i]].running()) {
                            keep[k++] = i;
                        }
                    }
                    cache.compact(keep);
                    rows = running;
                }
                stepRows.accept(rows.length);
                int[][] step = new int[rows.length][1];
                boolean[][] stepReal = new boolean[rows.length][1];
                for (int i = 0; i < rows.length; i++) {
                    step[i][0] = state[rows[i]].last();
                    stepReal[i][0] = true;
                }
                logits = steps.forward(cache, step, stepReal, false);
            }
        }
        List<TokenGeneration> out = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            out.add(new TokenGeneration(state[b].tokens(), state[b].reason(),
                    jobs.get(b).prompt().length, prefill, finished[b] - start - prefill));
        }
        return out;
    }

    /**
     * The prompt run into {@code cache} in chunks of at most {@link #PREFILL_CHUNK} tokens, each
     * attending to the cache the chunks before it filled: a chunk's attention scores and
     * activations stay the size of a chunk's, not of the whole prompt's (at Auto-J-13B's shape a
     * 1,000-token prompt's scores alone are 160 MB a layer), and so does the working set each
     * decoder part needs. Returns the last position's logits.
     */
    private static float[][] prefill(StepDecoder steps, KvCache cache, Job job) {
        try {
            int[] prompt = job.prompt();
            float[][] logits = null;
            for (int from = 0; from < prompt.length; from += PREFILL_CHUNK) {
                logits = steps.forward(cache, Arrays.copyOfRange(prompt, from, Math.min(prompt.length, from + PREFILL_CHUNK)),
                        false);
            }
            return logits;
        } catch (RuntimeException | Error e) {
            cache.close();
            throw e;
        }
    }

    /** Stops the decoding thread; jobs still queued fail with a clear error. */
    @Override
    public void close() {
        Thread thread;
        List<Job> left;
        synchronized (lock) {
            closed = true;
            thread = worker;
            left = queue.close();
        }
        if (thread != null) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        left.forEach(job -> job.result().completeExceptionally(
                new BackendException("The ONNX back end was closed before this request ran.")));
    }
}
