package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.graph.LlamaGraph;
import dev.autoj.onnx.internal.graph.ModelReader;
import dev.autoj.onnx.internal.graph.OnnxGraph.ElemType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batched decoding (left padding, masks, per-sequence positions, the cache budget) against
 * one-at-a-time decoding, fp32; and the step decoder's key/value cache, read where it lies: the
 * graph touches the cache buffers only with attention's MatMuls (no Concat, Expand or materialised
 * Transpose that would copy them at every token: the keys' Transpose is folded into a FusedMatMul by
 * ONNX Runtime, checked on the optimized graph it writes), and a sequence within the capacity it was
 * given keeps the same buffers from its prefill to its last token.
 */
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
    @DisplayName("a batch whose key/value caches do not fit the memory left is decoded as smaller batches, with the same tokens")
    void batchBeyondTheCacheBudgetIsSplit() throws Exception {
        List<int[]> prompts = prompts(5, 21);
        List<BatchScheduler.Job> jobs = new ArrayList<>();
        for (int[] prompt : prompts) {
            jobs.add(new BatchScheduler.Job(prompt, 12));
        }
        long perSlot = KvCache.bytesPerSlot(backend.config());
        // room for two rows of the longest prompt and budget, and one prompt beside them
        long headroom = CacheBudget.need(jobs.subList(0, 2), perSlot) + perSlot;
        List<List<BatchScheduler.Job>> groups = CacheBudget.groups(jobs, perSlot, headroom);
        assertThat(groups).as("the budget splits these five").hasSizeGreaterThan(1)
                .allMatch(group -> group.size() == 1 || CacheBudget.need(group, perSlot) <= headroom);
        List<Integer> expected = groups.stream().map(List::size).toList();
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        try (BatchScheduler scheduler = new BatchScheduler(backend.session(), backend.config(), 8, sizes::add,
                () -> headroom)) {
            List<TokenGeneration> batched = scheduler.submitAndWait(jobs);
            assertThat(sizes).containsExactlyElementsOf(expected);
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(batched.get(i).ids()).as("prompt %d", i)
                        .containsExactly(backend.generateIds(prompts.get(i), 12).ids());
            }
        }
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

    @Test
    @DisplayName("as ONNX Runtime optimizes the step graph, only attention's MatMuls (and a Shape) read the cache buffers,"
            + " the keys' Transpose folded into a FusedMatMul; nothing outputs a grown cache")
    void graphReadsTheCacheInPlace() throws Exception {
        ModelConfig config = ModelConfig.read(model.dir);
        assertThat(config.numKvHeads()).as("the tiny model groups query heads").isLessThan(config.numHeads());
        ModelReader.Graph built = ModelReader.read(LlamaGraph.build(config, ElemType.FLOAT));
        assertThat(built.nodes()).noneMatch(n -> n.op().equals("Expand"));
        assertThat(built.nodes().stream().flatMap(n -> n.outputs().stream())).noneMatch(o -> o.startsWith("present_"));

        ModelReader.Graph graph = ModelReader.read(optimized(config));
        for (int l = 0; l < config.numLayers(); l++) {
            for (String input : List.of("cache_key." + l, "cache_value." + l)) {
                List<String> readers = graph.nodes().stream().filter(n -> n.inputs().contains(input))
                        .map(ModelReader.Node::op).toList();
                assertThat(readers).as(input).containsAnyOf("MatMul", "FusedMatMul");
                assertThat(Set.copyOf(readers)).as(input).isSubsetOf("MatMul", "FusedMatMul", "Shape");
            }
        }
    }

    /** The step graph of the tiny model as ONNX Runtime optimizes it for a CPU session (its optimized-model output). */
    private static byte[] optimized(ModelConfig config) throws Exception {
        Path dir = java.nio.file.Files.createDirectories(temp.resolve("optimized"));
        Path file = dir.resolve("step.onnx");
        java.nio.file.Files.write(file, LlamaGraph.build(config, ElemType.FLOAT));
        dev.autoj.onnx.internal.graph.OnnxGraph.ensureExternalPlaceholder(dir);
        ai.onnxruntime.OrtEnvironment env = dev.autoj.onnx.internal.runtime.OrtRuntime.environment();
        List<OnnxTensor> tensors = new ArrayList<>();
        try (ai.onnxruntime.OrtSession.SessionOptions options = new ai.onnxruntime.OrtSession.SessionOptions()) {
            options.setOptimizedModelFilePath(dir.resolve("optimized.onnx").toString());
            options.addExternalInitializers(Initializers.of(env, config,
                    dev.autoj.onnx.internal.checkpoint.Checkpoint.open(model.dir), dev.autoj.engine.backend.Dtype.FP32,
                    null, null, false, tensors));
            env.createSession(file.toString(), options).close();
        } finally {
            tensors.forEach(OnnxTensor::close);
        }
        return java.nio.file.Files.readAllBytes(dir.resolve("optimized.onnx"));
    }

    @Test
    @DisplayName("a sequence within its capacity decodes on the same buffers, with the logits of a cache that grew at every step")
    void sameBuffersFromPrefillToLastToken() {
        int[] prompt = {1, 17, 23, 99, 4, 61, 8};
        int[] next = {12, 40, 7, 3, 77};
        StepDecoder steps = backend.session().steps();
        try (KvCache sized = steps.newCache(prompt.length + next.length);
                KvCache growing = steps.newCache()) {
            float[] a = steps.forward(sized, prompt, false)[0];
            float[] b = steps.forward(growing, prompt, false)[0];
            assertThat(maxDifference(a, b)).isLessThan(1e-5);
            OnnxTensor keys = sized.keyInput(0);
            OnnxTensor values = sized.valueInput(config().numLayers() - 1);
            int grownCapacity = growing.capacity();
            boolean grew = false;
            for (int token : next) {
                a = steps.forward(sized, new int[] {token}, false)[0];
                b = steps.forward(growing, new int[] {token}, false)[0];
                assertThat(maxDifference(a, b)).isLessThan(1e-5);
                grew |= growing.capacity() != grownCapacity;
                grownCapacity = growing.capacity();
            }
            assertThat(grew).as("the unsized cache grew on the way").isTrue();
            assertThat(sized.capacity()).isEqualTo(prompt.length + next.length);
            assertThat(sized.length()).isEqualTo(prompt.length + next.length);
            assertThat(sized.keyInput(0)).isSameAs(keys);
            assertThat(sized.valueInput(config().numLayers() - 1)).isSameAs(values);
            // the buffers hold the sequence: its last key is in the last slot, nothing after it
            float[] lastKeys = sized.keyInput(0).getFloatBuffer().array();
            int capacity = sized.capacity();
            boolean written = false;
            for (int row = 0; row < config().headDim(); row++) {
                written |= lastKeys[row * capacity + capacity - 1] != 0f;
            }
            assertThat(written).isTrue();
        }
    }

    @Test
    @DisplayName("a prompt prefilled in chunks, each attending to the cache the ones before filled, gives the logits of one run")
    void chunkedPrefillEqualsOneRun() {
        int[] prompt = prompts(1, 31).get(0);
        int[] longPrompt = new int[50];
        for (int i = 0; i < longPrompt.length; i++) {
            longPrompt[i] = i == 0 ? 1 : 3 + (prompt[i % prompt.length] + i * 7) % 250;
        }
        StepDecoder steps = backend.session().steps();
        try (KvCache whole = steps.newCache(longPrompt.length + 3); KvCache chunked = steps.newCache(longPrompt.length + 3)) {
            float[][] all = steps.forward(whole, longPrompt, true);
            float[][] last = null;
            for (int from = 0; from < longPrompt.length; from += 16) {
                last = steps.forward(chunked, java.util.Arrays.copyOfRange(longPrompt, from, Math.min(longPrompt.length, from + 16)),
                        true);
            }
            assertThat(maxDifference(all[all.length - 1], last[last.length - 1])).isLessThan(1e-5);
            // and decoding goes on from either cache alike
            float[] a = steps.forward(whole, new int[] {77}, false)[0];
            float[] b = steps.forward(chunked, new int[] {77}, false)[0];
            assertThat(maxDifference(a, b)).isLessThan(1e-5);
        }
    }

    private static ModelConfig config() {
        return ModelConfig.read(model.dir);
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
