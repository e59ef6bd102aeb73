package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batched decoding (left padding, masks, per-sequence positions) against one-at-a-time decoding, fp32. */
class BatchingTest {

    @TempDir
    static Path temp;

    private static TinyLlama model;
    private static OnnxBackend backend;

    @BeforeAll
    static void open() {
        model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small().maxPositions(128), 7);
        backend = OnnxBackend.open(OnnxOptions.of(model.dir).withCacheDir(temp.resolve("cache")));
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static List<int[]> prompts(int count, long seed) {
        Random random = new Random(seed);
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] prompt = new int[2 + random.nextInt(20)];
            prompt[0] = 1;
            for (int t = 1; t < prompt.length; t++) {
                prompt[t] = 3 + random.nextInt(model.spec.vocab() - 3);
            }
            prompts.add(prompt);
        }
        return prompts;
    }

    @Test
    @DisplayName("a batch of prompts of different lengths gives every prompt exactly the tokens it gets alone")
    void batchEqualsOneAtATime() {
        List<int[]> prompts = prompts(6, 3);
        List<TokenGeneration> batched = backend.generateIds(prompts, 40);
        assertThat(prompts.stream().mapToInt(p -> p.length).distinct().count()).isGreaterThan(3);
        for (int i = 0; i < prompts.size(); i++) {
            TokenGeneration alone = backend.generateIds(prompts.get(i), 40);
            assertThat(batched.get(i).ids()).as("prompt %d", i).containsExactly(alone.ids());
            assertThat(batched.get(i).stopReason()).isEqualTo(alone.stopReason());
            assertThat(batched.get(i).promptTokens()).isEqualTo(prompts.get(i).length);
        }
        assertThat(batched.get(0).ids()).containsExactly(
                model.referenceGreedy(prompts.get(0), 40).stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    @DisplayName("sequences that stop early (smaller budgets) leave the batch and the others' tokens unchanged")
    void earlyStopsDoNotDisturbTheRest() {
        List<int[]> prompts = prompts(5, 11);
        int[] budgets = {3, 40, 1, 17, 40};
        List<BatchScheduler.Job> jobs = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            jobs.add(new BatchScheduler.Job(prompts.get(i), budgets[i]));
        }
        BatchScheduler scheduler = new BatchScheduler(backend.session(), backend.config(), 8);
        List<Integer> rowsPerStep = new ArrayList<>();
        scheduler.onStep(rowsPerStep::add);
        List<TokenGeneration> batched = scheduler.decode(jobs);
        int longest = java.util.Arrays.stream(batched.stream().mapToInt(g -> g.ids().length).toArray()).max().orElseThrow();
        assertThat(rowsPerStep).as("one step per token after the first, fewer rows as sequences stop")
                .hasSize(longest - 1).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(rowsPerStep.get(0)).as("the budget-1 sequence left after the prefill").isEqualTo(4);
        assertThat(rowsPerStep.get(rowsPerStep.size() - 1)).isLessThan(4);
        for (int i = 0; i < prompts.size(); i++) {
            TokenGeneration alone = backend.generateIds(prompts.get(i), budgets[i]);
            assertThat(batched.get(i).ids()).as("prompt %d, budget %d", i, budgets[i]).containsExactly(alone.ids());
            assertThat(batched.get(i).ids().length).isLessThanOrEqualTo(budgets[i]);
        }
        assertThat(batched.get(2).ids()).hasSize(1);
    }

    @Test
    @DisplayName("a padded row's logits equal the logits of the same prompt run alone")
    void paddedLogitsEqualUnpadded() {
        int[] shortPrompt = {1, 9, 100, 31};
        int[] longPrompt = {1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
        int[][] ids = new int[2][longPrompt.length];
        boolean[][] real = new boolean[2][longPrompt.length];
        System.arraycopy(shortPrompt, 0, ids[0], longPrompt.length - shortPrompt.length, shortPrompt.length);
        for (int t = 0; t < longPrompt.length; t++) {
            real[0][t] = t >= longPrompt.length - shortPrompt.length;
            real[1][t] = true;
        }
        ids[1] = longPrompt;
        try (KvCache batch = backend.session().steps().newCache();
                KvCache alone = backend.session().steps().newCache()) {
            float[][][] together = backend.session().steps().forward(batch, ids, real, false);
            float[] single = backend.session().steps().forward(alone, shortPrompt, false)[0];
            double max = 0;
            for (int i = 0; i < single.length; i++) {
                max = Math.max(max, Math.abs(together[0][0][i] - single[i]));
            }
            assertThat(max).isLessThan(1e-5);
            // a decode step after the padded prefill still matches
            float[][][] next = backend.session().steps().forward(batch, new int[][] {{42}, {43}},
                    new boolean[][] {{true}, {true}}, false);
            float[] nextAlone = backend.session().steps().forward(alone, new int[] {42}, false)[0];
            for (int i = 0; i < nextAlone.length; i++) {
                max = Math.max(max, Math.abs(next[0][0][i] - nextAlone[i]));
            }
            assertThat(max).isLessThan(1e-5);
        }
    }

    @Test
    @DisplayName("requests arriving while a batch runs are gathered into the next batch, each with its own result")
    void lateRequestsJoinTheNextBatch() throws Exception {
        List<int[]> prompts = prompts(3, 5);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        BatchScheduler[] holder = new BatchScheduler[1];
        try (BatchScheduler scheduler = new BatchScheduler(backend.session(), backend.config(), 8, size -> {
            sizes.add(size);
            if (sizes.size() == 1) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (holder[0].queued() < 2 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
        })) {
            holder[0] = scheduler;
            CompletableFuture<TokenGeneration> first = CompletableFuture.supplyAsync(
                    () -> scheduler.submitAndWait(List.of(new BatchScheduler.Job(prompts.get(0), 30))).get(0));
            while (sizes.isEmpty()) {
                Thread.sleep(1);
            }
            CompletableFuture<TokenGeneration> second = CompletableFuture.supplyAsync(
                    () -> scheduler.submitAndWait(List.of(new BatchScheduler.Job(prompts.get(1), 30))).get(0));
            CompletableFuture<TokenGeneration> third = CompletableFuture.supplyAsync(
                    () -> scheduler.submitAndWait(List.of(new BatchScheduler.Job(prompts.get(2), 30))).get(0));
            List<TokenGeneration> results = List.of(first.get(60, TimeUnit.SECONDS), second.get(60, TimeUnit.SECONDS),
                    third.get(60, TimeUnit.SECONDS));
            assertThat(sizes).containsExactly(1, 2);
            for (int i = 0; i < 3; i++) {
                assertThat(results.get(i).ids()).containsExactly(backend.generateIds(prompts.get(i), 30).ids());
            }
        }
    }

    @Test
    @DisplayName("a list longer than the batch size is decoded in several batches with unchanged results")
    void longListsAreSplitIntoBatches() {
        List<int[]> prompts = prompts(5, 21);
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        try (BatchScheduler scheduler = new BatchScheduler(backend.session(), backend.config(), 2, sizes::add)) {
            List<BatchScheduler.Job> jobs = prompts.stream().map(p -> new BatchScheduler.Job(p, 12)).toList();
            List<TokenGeneration> results = scheduler.submitAndWait(jobs);
            assertThat(sizes).containsExactly(2, 2, 1);
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(results.get(i).ids()).containsExactly(backend.generateIds(prompts.get(i), 12).ids());
            }
        }
    }
}
