package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.backend.StopReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ONNX decoder against the independent double-precision reference in {@link TinyLlama}. */
class OnnxBackendTest {

    /**
     * fp16 weights (an fp32 checkpoint rounded to binary16 on load) move logits of magnitude up to
     * ~8 by at most this much; measured 6.9e-3 to 7.9e-3 over four seeds of these models (about
     * 1e-3 of the largest logit), documented in docs/onnx-backend.md.
     */
    static final double FP16_TOLERANCE = 2e-2;

    private static final int[] PROMPT = {1, 17, 200, 5, 99, 42, 3, 250, 17, 17};

    @TempDir
    Path temp;

    static Stream<Arguments> checkpoints() {
        TinyLlama.Spec small = TinyLlama.Spec.small();
        return Stream.of(
                Arguments.of("single-file F32, untied, 4 query heads over 2 key/value heads", small, 7L),
                Arguments.of("three BF16 shards, tied embeddings", small.tied(true).stored("BF16", 3), 11L),
                Arguments.of("single-file BF16, multi-head attention (as many key/value heads as heads, like Auto-J)",
                        small.shape(64, 160, 4, 4, 2).stored("BF16", 1), 13L),
                Arguments.of("F16 Mistral, 8 heads over 2, three layers",
                        small.architecture("MistralForCausalLM").shape(64, 96, 8, 2, 3).stored("F16", 1), 5L));
    }

    private OnnxBackend open(TinyLlama model, Dtype dtype) {
        return OnnxBackend.open(OnnxOptions.of(model.dir).withDtype(dtype).withCacheDir(temp.resolve("cache")));
    }

    private static double maxDifference(float[][] actual, double[][] expected) {
        assertThat(actual.length).isEqualTo(expected.length);
        double max = 0;
        for (int t = 0; t < expected.length; t++) {
            assertThat(actual[t]).hasSize(expected[t].length);
            for (int i = 0; i < expected[t].length; i++) {
                max = Math.max(max, Math.abs(actual[t][i] - expected[t][i]));
            }
        }
        return max;
    }

    @Test
    @DisplayName("fp32 without weight prepacking (-Dautoj.onnx.fp32Prepacking=false) still equals the reference within 1e-4")
    void fp32WithoutPrepackingEqualsTheReference() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        String before = System.getProperty(EngineSwitches.FP32_PREPACKING_PROPERTY);
        System.setProperty(EngineSwitches.FP32_PREPACKING_PROPERTY, "false");
        try (OnnxBackend backend = open(model, Dtype.FP32)) {
            assertThat(maxDifference(backend.logitsOf(PROMPT), model.referenceLogits(PROMPT))).isLessThan(1e-4);
        } finally {
            if (before == null) {
                System.clearProperty(EngineSwitches.FP32_PREPACKING_PROPERTY);
            } else {
                System.setProperty(EngineSwitches.FP32_PREPACKING_PROPERTY, before);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    @DisplayName("fp32 logits at every position equal the double-precision reference within 1e-4")
    void fp32LogitsEqualTheReference(String label, TinyLlama.Spec spec, long seed) {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), spec, seed);
        try (OnnxBackend backend = open(model, Dtype.FP32)) {
            assertThat(maxDifference(backend.logitsOf(PROMPT), model.referenceLogits(PROMPT))).isLessThan(1e-4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    @DisplayName("greedy decoding with the KV cache continues exactly as the reference for 32 steps")
    void greedyContinuationEqualsTheReference(String label, TinyLlama.Spec spec, long seed) {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), spec, seed);
        List<Integer> expected = model.referenceGreedy(PROMPT, 32);
        try (OnnxBackend backend = open(model, Dtype.FP32)) {
            TokenGeneration result = backend.generateIds(PROMPT, 32);
            assertThat(expected).hasSize(32);
            assertThat(result.ids()).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
            assertThat(result.stopReason()).isEqualTo(StopReason.LENGTH);
            assertThat(result.promptTokens()).isEqualTo(PROMPT.length);
        }
    }

    @Test
    @DisplayName("each KV-cache decoding step gives the logits of recomputing the whole sequence")
    void cachedStepsEqualFullRecomputation() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        try (OnnxBackend backend = open(model, Dtype.FP32);
                KvCache cache = backend.session().steps().newCache()) {
            int[] sequence = Arrays.copyOf(PROMPT, PROMPT.length + 20);
            float[] logits = backend.session().steps().forward(cache, PROMPT, false)[0];
            for (int length = PROMPT.length; length < sequence.length; length++) {
                float[][] full = backend.logitsOf(Arrays.copyOf(sequence, length));
                float[] recomputed = full[full.length - 1];
                for (int i = 0; i < logits.length; i++) {
                    assertThat((double) logits[i]).as("step %d, token %d", length, i)
                            .isCloseTo(recomputed[i], org.assertj.core.data.Offset.offset(1e-5));
                }
                sequence[length] = Greedy.argmax(logits);
                logits = backend.session().steps().forward(cache, new int[] {sequence[length]}, false)[0];
                assertThat(cache.length()).isEqualTo(length + 1);
            }
        }
    }

    @Test
    @DisplayName("fp16 weights from an fp32 checkpoint stay within the documented tolerance of the reference")
    void fp16WeightsStayWithinTheDocumentedTolerance() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        try (OnnxBackend backend = open(model, Dtype.FP16)) {
            double diff = maxDifference(backend.logitsOf(PROMPT), model.referenceLogits(PROMPT));
            assertThat(diff).isLessThan(FP16_TOLERANCE).isGreaterThan(0);
        }
    }

    @Test
    @DisplayName("an F16 checkpoint run in fp16 holds its weights exactly and matches the reference within 1e-4")
    void f16CheckpointInFp16IsExact() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small().stored("F16", 2), 3);
        try (OnnxBackend backend = open(model, Dtype.FP16)) {
            assertThat(maxDifference(backend.logitsOf(PROMPT), model.referenceLogits(PROMPT))).isLessThan(1e-4);
        }
    }

    @Test
    @DisplayName("the built model is cached; a damaged cache entry is rebuilt and the result is unchanged")
    void damagedCacheEntryIsRebuilt() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        float[][] first;
        try (OnnxBackend backend = open(model, Dtype.FP32)) {
            assertThat(backend.cacheOutcome()).isEqualTo(ModelCache.Outcome.BUILT);
            first = backend.logitsOf(PROMPT);
        }
        try (OnnxBackend backend = open(model, Dtype.FP32)) {
            assertThat(backend.cacheOutcome()).isEqualTo(ModelCache.Outcome.HIT);
        }
        Path entry;
        try (Stream<Path> files = Files.list(temp.resolve("cache"))) {
            entry = files.filter(f -> f.toString().endsWith(".onnx")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(entry);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(entry, bytes);
        try (OnnxBackend backend = open(model, Dtype.FP32)) {
            assertThat(backend.cacheOutcome()).isEqualTo(ModelCache.Outcome.REBUILT);
            assertThat(backend.logitsOf(PROMPT)).isEqualTo(first);
        }
        try (OnnxBackend backend = open(model, Dtype.FP16)) {
            assertThat(backend.cacheOutcome()).as("another dtype is another entry").isEqualTo(ModelCache.Outcome.BUILT);
        }
    }

    @Test
    @DisplayName("prompt plus budget beyond the context window is an error naming both lengths")
    void overlongRequestIsRejected() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small().maxPositions(32), 7);
        try (OnnxBackend backend = open(model, Dtype.FP32)) {
            assertThatThrownBy(() -> backend.generateIds(PROMPT, 30))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("10 tokens")
                    .hasMessageContaining("40 in all")
                    .hasMessageContaining("context window of 32")
                    .hasMessageContaining("truncation policy");
        }
    }

    @Test
    @DisplayName("SHORTEN_BUDGET generates only what fits; DROP_PROMPT_START keeps BOS and the prompt's end")
    void truncationPoliciesAreExplicit() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small().maxPositions(32), 7);
        OnnxOptions base = OnnxOptions.of(model.dir).withCacheDir(temp.resolve("cache"));
        try (OnnxBackend backend = OnnxBackend.open(base.withTruncation(OnnxOptions.Truncation.SHORTEN_BUDGET))) {
            TokenGeneration result = backend.generateIds(PROMPT, 30);
            assertThat(result.promptTokens()).isEqualTo(10);
            assertThat(result.ids().length).isLessThanOrEqualTo(22);
            if (result.stopReason() == StopReason.LENGTH) {
                assertThat(result.ids()).hasSize(22);
            }
        }
        try (OnnxBackend backend = OnnxBackend.open(base.withTruncation(OnnxOptions.Truncation.DROP_PROMPT_START))) {
            TokenGeneration result = backend.generateIds(PROMPT, 28);
            assertThat(result.promptTokens()).isEqualTo(4);
            int[] kept = {1, 250, 17, 17};
            List<Integer> expected = model.referenceGreedy(kept, 28);
            assertThat(result.ids()).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    @DisplayName("the token budget ends generation with LENGTH and counts only generated ids")
    void budgetEndsGeneration() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        try (OnnxBackend backend = open(model, Dtype.FP32)) {
            TokenGeneration result = backend.generateIds(PROMPT, 5);
            assertThat(result.ids()).hasSize(5);
            assertThat(result.stopReason()).isEqualTo(StopReason.LENGTH);
            assertThat(result.ids()).containsExactly(
                    model.referenceGreedy(PROMPT, 5).stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    @DisplayName("the model's EOS ends generation with EOS and is not part of the ids")
    void eosEndsGeneration() {
        TinyLlama.Spec spec = TinyLlama.Spec.small();
        TinyLlama probe = TinyLlama.write(temp.resolve("probe"), spec, 7);
        int first = probe.referenceGreedy(PROMPT, 1).get(0);
        TinyLlama.Spec withEos = new TinyLlama.Spec(spec.architecture(), spec.vocab(), spec.hidden(), spec.intermediate(),
                spec.heads(), spec.kvHeads(), spec.layers(), spec.maxPositions(), spec.ropeTheta(), spec.rmsEps(),
                spec.tied(), spec.dtype(), spec.shards(), first);
        TinyLlama model = TinyLlama.write(temp.resolve("m"), withEos, 7);
        try (OnnxBackend backend = open(model, Dtype.FP32)) {
            TokenGeneration result = backend.generateIds(PROMPT, 10);
            assertThat(result.stopReason()).isEqualTo(StopReason.EOS);
            assertThat(result.ids()).isEmpty();
        }
    }

    @Test
    @DisplayName("a random model caught in a loop stops with REPETITION, and decoding on would only repeat the cycle")
    void repetitionLoopStopsEarlyAndLosesNothing() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small().vocab(64).maxPositions(512), 8);
        int[] prompt = {1, 17, 20, 5, 9, 42, 3};
        try (OnnxBackend backend = open(model, Dtype.FP32)) {
            TokenGeneration result = backend.generateIds(prompt, 400);
            assertThat(result.stopReason()).isEqualTo(StopReason.REPETITION);
            int[] ids = result.ids();
            assertThat(ids.length).isLessThan(400).isGreaterThanOrEqualTo(RepetitionGuard.MIN_SPAN);
            int period = 1;
            while (!periodic(ids, period)) {
                period++;
            }
            assertThat(period).isLessThanOrEqualTo(RepetitionGuard.MAX_PERIOD);
            int[] sequence = new int[prompt.length + ids.length];
            System.arraycopy(prompt, 0, sequence, 0, prompt.length);
            System.arraycopy(ids, 0, sequence, prompt.length, ids.length);
            try (KvCache cache = backend.session().steps().newCache()) {
                float[] logits = backend.session().steps().forward(cache, sequence, false)[0];
                for (int i = 0; i < 2 * period; i++) {
                    int next = Greedy.argmax(logits);
                    assertThat(next).as("step %d after the stop", i).isEqualTo(ids[ids.length - period + i % period]);
                    logits = backend.session().steps().forward(cache, new int[] {next}, false)[0];
                }
            }
        }
    }

    /** Whether the last 64 generated tokens repeat with this period. */
    private static boolean periodic(int[] ids, int period) {
        for (int i = ids.length - RepetitionGuard.MIN_SPAN; i < ids.length - period; i++) {
            if (ids[i] != ids[i + period]) {
                return false;
            }
        }
        return true;
    }
}
