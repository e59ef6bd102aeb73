package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.backend.StopReason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generation graph (route LOOP: prefill and every decoding step of a batch in one run) against
 * the step loop (route STEP, itself checked against the double-precision reference elsewhere), on
 * the CPU execution provider.
 */
class GenerationGraphTest {

    /** Budgets of the batch of eight: 1 (the prefill's token only), short ones that end before others, and long ones. */
    private static final int[] BUDGETS = {1, 5, 30, 12, 30, 7, 30, 20};

    @TempDir
    Path temp;

    static Stream<Arguments> checkpoints() {
        TinyLlama.Spec small = TinyLlama.Spec.small().maxPositions(128);
        return Stream.of(
                Arguments.of("single-file F32, untied, 4 query heads over 2 key/value heads, fp32", small, 7L, Dtype.FP32),
                Arguments.of("three BF16 shards, tied embeddings, fp32", small.tied(true).stored("BF16", 3), 11L, Dtype.FP32),
                Arguments.of("single-file BF16, multi-head attention, fp32", small.shape(64, 160, 4, 4, 2).stored("BF16", 1),
                        13L, Dtype.FP32),
                Arguments.of("F16 Mistral, 8 heads over 2, three layers, fp16 weights widened in the outer graph",
                        small.architecture("MistralForCausalLM").shape(64, 96, 8, 2, 3).stored("F16", 1), 5L, Dtype.FP16));
    }

    private OnnxBackend open(Path dir, Dtype dtype, OnnxOptions.Route route) {
        return OnnxBackend.open(OnnxOptions.of(dir).withDtype(dtype).withRoute(route).withCacheDir(temp.resolve("cache")));
    }

    /** Eight prompts of different lengths (2 to 21 tokens), BOS first. */
    private static List<int[]> prompts(int vocab, long seed) {
        Random random = new Random(seed);
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < BUDGETS.length; i++) {
            int[] prompt = new int[2 + random.nextInt(20)];
            prompt[0] = 1;
            for (int t = 1; t < prompt.length; t++) {
                prompt[t] = 3 + random.nextInt(vocab - 3);
            }
            prompts.add(prompt);
        }
        return prompts;
    }

    private static List<TokenGeneration> batch(OnnxBackend backend, List<int[]> prompts) {
        List<BatchScheduler.Job> jobs = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            jobs.add(new BatchScheduler.Job(prompts.get(i), BUDGETS[i]));
        }
        try (BatchScheduler scheduler = new BatchScheduler(backend.session(), backend.config(), 8)) {
            return scheduler.submitAndWait(jobs);
        }
    }

    /** A model written with an EOS id that stops {@link #row} midway. */
    private record EosModel(TinyLlama model, int row) {
    }

    /**
     * A model that surely stops at EOS mid-generation: a random model rarely produces its EOS id,
     * so the EOS id is made the token the step loop produces at step 6 of the first 30-token row
     * that gets that far. The weights depend on the seed only, so the model is the same, with
     * another EOS id.
     */
    private EosModel withEosMidway(TinyLlama.Spec spec, long seed, Dtype dtype, List<int[]> prompts) {
        TinyLlama first = TinyLlama.write(temp.resolve("m"), spec, seed);
        try (OnnxBackend step = open(first.dir, dtype, OnnxOptions.Route.STEP)) {
            for (int row = 0; row < prompts.size(); row++) {
                int[] ids = step.generateIds(prompts.get(row), BUDGETS[row]).ids();
                if (BUDGETS[row] == 30 && ids.length > 6) {
                    return new EosModel(TinyLlama.write(temp.resolve("eos"), spec.eos(ids[6]), seed), row);
                }
            }
        }
        throw new AssertionError("no 30-token row of the step loop got past 6 tokens; pick other prompts");
    }

    private static void assertSame(List<TokenGeneration> loop, List<TokenGeneration> step, String what) {
        assertThat(loop).hasSameSizeAs(step);
        for (int i = 0; i < step.size(); i++) {
            assertThat(loop.get(i).ids()).as("%s, prompt %d: ids", what, i).containsExactly(step.get(i).ids());
            assertThat(loop.get(i).stopReason()).as("%s, prompt %d: stop reason", what, i).isEqualTo(step.get(i).stopReason());
            assertThat(loop.get(i).promptTokens()).isEqualTo(step.get(i).promptTokens());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    @DisplayName("the generation graph gives the step loop's ids and stop reasons at batch 1 and batch 8")
    void loopEqualsStepLoop(String label, TinyLlama.Spec spec, long seed, Dtype dtype) {
        List<int[]> prompts = prompts(spec.vocab(), seed);
        assertThat(prompts.stream().mapToInt(p -> p.length).distinct().count()).isGreaterThan(4);
        EosModel eosModel = withEosMidway(spec, seed, dtype, prompts);
        TinyLlama model = eosModel.model();
        try (OnnxBackend step = open(model.dir, dtype, OnnxOptions.Route.STEP);
                OnnxBackend loop = open(model.dir, dtype, OnnxOptions.Route.LOOP)) {
            assertThat(loop.route()).isEqualTo(OnnxOptions.Route.LOOP);
            assertThat(step.route()).isEqualTo(OnnxOptions.Route.STEP);
            List<TokenGeneration> expected = batch(step, prompts);
            assertSame(batch(loop, prompts), expected, "batch 8");
            List<TokenGeneration> alone = new ArrayList<>();
            List<TokenGeneration> aloneLoop = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                alone.add(step.generateIds(prompts.get(i), BUDGETS[i]));
                aloneLoop.add(loop.generateIds(prompts.get(i), BUDGETS[i]));
            }
            assertSame(aloneLoop, alone, "batch 1");
            assertSame(alone, expected, "step loop alone vs batched");

            // the comparison covers both ways of stopping, EOS before the budget included
            assertThat(expected).extracting(TokenGeneration::stopReason).contains(StopReason.EOS, StopReason.LENGTH);
            assertThat(expected.get(eosModel.row()).stopReason()).isEqualTo(StopReason.EOS);
            assertThat(expected.get(eosModel.row()).ids().length).isLessThanOrEqualTo(6);
            assertThat(expected.get(0).ids().length).isLessThanOrEqualTo(1);
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(expected.get(i).ids().length).isLessThanOrEqualTo(BUDGETS[i]);
            }
        }
    }

    @Test
    @DisplayName("int4 (MatMulNBits, accuracy level 4): the generation graph gives the step loop's ids at batch 1 and 8")
    void int4LoopEqualsStepLoop() {
        TinyLlama.Spec spec = TinyLlama.Spec.small().maxPositions(128);
        List<int[]> prompts = prompts(spec.vocab(), 3);
        TinyLlama model = withEosMidway(spec, 3, Dtype.INT4, prompts).model();
        try (OnnxBackend step = open(model.dir, Dtype.INT4, OnnxOptions.Route.STEP);
                OnnxBackend loop = open(model.dir, Dtype.INT4, OnnxOptions.Route.LOOP)) {
            List<TokenGeneration> expected = batch(step, prompts);
            assertSame(batch(loop, prompts), expected, "int4 batch 8");
            for (int i = 0; i < prompts.size(); i++) {
                assertSame(List.of(loop.generateIds(prompts.get(i), BUDGETS[i])),
                        List.of(step.generateIds(prompts.get(i), BUDGETS[i])), "int4 batch 1");
            }
            assertThat(expected).extracting(TokenGeneration::stopReason).contains(StopReason.EOS, StopReason.LENGTH);
        }
    }

    @Test
    @DisplayName("a GPTQ folder with act-order: the generation graph gives the step loop's ids")
    void gptqLoopEqualsStepLoop() {
        TinyGptq gptq = TinyGptq.write(temp.resolve("gptq"), 7, 32, false, true, true);
        List<int[]> prompts = prompts(256, 5);
        try (OnnxBackend step = OnnxBackend.open(OnnxOptions.of(gptq.dir).withRoute(OnnxOptions.Route.STEP)
                        .withCacheDir(temp.resolve("cache")));
                OnnxBackend loop = OnnxBackend.open(OnnxOptions.of(gptq.dir).withRoute(OnnxOptions.Route.LOOP)
                        .withCacheDir(temp.resolve("cache")))) {
            assertSame(batch(loop, prompts), batch(step, prompts), "GPTQ batch 8");
        }
    }

    @Test
    @DisplayName("rows reaching past the context window while a longer budget runs stay correct (positions clamped, rows cut)")
    void shortBudgetBesideLongOneNearTheWindow() {
        TinyLlama.Spec spec = TinyLlama.Spec.small().maxPositions(40);
        TinyLlama model = TinyLlama.write(temp.resolve("m"), spec, 7);
        int[] longPrompt = new int[36];
        longPrompt[0] = 1;
        for (int t = 1; t < longPrompt.length; t++) {
            longPrompt[t] = 3 + (t * 37) % 250;
        }
        List<int[]> prompts = List.of(longPrompt, new int[] {1, 17, 200});
        try (OnnxBackend step = open(model.dir, Dtype.FP32, OnnxOptions.Route.STEP);
                OnnxBackend loop = open(model.dir, Dtype.FP32, OnnxOptions.Route.LOOP)) {
            // the long prompt may take 4 tokens, the short one 30: the long row runs 26 filler steps past its budget
            List<BatchScheduler.Job> jobs = List.of(new BatchScheduler.Job(longPrompt, 4), new BatchScheduler.Job(prompts.get(1), 30));
            List<TokenGeneration> expected;
            try (BatchScheduler scheduler = new BatchScheduler(step.session(), step.config(), 8)) {
                expected = scheduler.submitAndWait(jobs);
            }
            try (BatchScheduler scheduler = new BatchScheduler(loop.session(), loop.config(), 8)) {
                assertSame(scheduler.submitAndWait(jobs), expected, "near the window");
            }
        }
    }

    @Test
    @DisplayName("the generation graph is cached beside the step decoder: a second open is a hit, the step entry is separate")
    void generationGraphIsCached() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        try (OnnxBackend loop = open(model.dir, Dtype.FP32, OnnxOptions.Route.LOOP)) {
            assertThat(loop.cacheOutcome()).isEqualTo(ModelCache.Outcome.BUILT);
        }
        try (OnnxBackend step = open(model.dir, Dtype.FP32, OnnxOptions.Route.STEP)) {
            assertThat(step.cacheOutcome()).as("the step decoder is another entry").isEqualTo(ModelCache.Outcome.BUILT);
        }
        try (OnnxBackend loop = open(model.dir, Dtype.FP32, OnnxOptions.Route.LOOP)) {
            assertThat(loop.cacheOutcome()).isEqualTo(ModelCache.Outcome.HIT);
            assertThat(loop.route()).isEqualTo(OnnxOptions.Route.LOOP);
        }
    }

    @Test
    @DisplayName("AUTO takes LOOP on CUDA and the measured route on the CPU; a LOOP session refuses per-token steps with a reason")
    void routes() {
        assertThat(DecoderPlan.resolve(OnnxOptions.Route.AUTO, Device.CUDA)).isEqualTo(OnnxOptions.Route.LOOP);
        assertThat(DecoderPlan.resolve(OnnxOptions.Route.AUTO, Device.CPU)).isEqualTo(DecoderPlan.CPU_AUTO_ROUTE);
        assertThat(DecoderPlan.resolve(OnnxOptions.Route.STEP, Device.CUDA)).isEqualTo(OnnxOptions.Route.STEP);
        assertThat(DecoderPlan.graphKind(OnnxOptions.Route.AUTO, Device.CUDA, Dtype.FP16)).isEqualTo(ModelCache.Kind.LOOP_FP16);
        assertThat(DecoderPlan.graphKind(OnnxOptions.Route.AUTO, Device.CUDA, Dtype.INT4)).isEqualTo(ModelCache.Kind.LOOP_FP16);
        assertThat(DecoderPlan.graphKind(OnnxOptions.Route.AUTO, Device.CUDA, Dtype.FP32)).isEqualTo(ModelCache.Kind.LOOP);
        assertThat(DecoderPlan.graphKind(OnnxOptions.Route.LOOP, Device.CPU, Dtype.FP16)).isEqualTo(ModelCache.Kind.LOOP);
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        try (OnnxBackend loop = open(model.dir, Dtype.FP32, OnnxOptions.Route.LOOP)) {
            assertThat(loop.device()).isEqualTo(Device.CPU);
            assertThatThrownBy(() -> loop.logitsOf(new int[] {1, 5}))
                    .hasMessageContaining("generation graph").hasMessageContaining("route STEP");
        }
    }
}
