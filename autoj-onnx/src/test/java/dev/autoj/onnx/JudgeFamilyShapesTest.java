package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.family.autoj.AutoJ;
import dev.autoj.engine.family.autoj.AutoJModel;
import dev.autoj.engine.family.prometheus.Prometheus;
import dev.autoj.engine.family.prometheus.PrometheusPrompt;
import dev.autoj.engine.family.prometheus.PrometheusReference;
import dev.autoj.engine.family.prometheus.Rubric;
import dev.autoj.engine.store.StoreMode;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The judge families' other shapes on the embedded engine, against {@link TinyLlama}'s float64 reference:
 * a tiny random checkpoint shaped like Auto-J bilingual 6B (Yi-6B: grouped-query attention 8:1, vocabulary
 * 64000, rope θ 5,000,000) and one shaped like Mistral-7B-Instruct-v0.2, Prometheus 2's base (4:1, θ
 * 1,000,000, {@code "sliding_window": null}). Their widths and depths are tiny; what is real is each
 * config field the engine must read. Each then runs its family's judge path end to end.
 *
 * <p>The Yi tokenizer is not in ../shared, so the 6B-shaped model gets LLaMA-2's tokenizer widened with
 * 32000 placeholder tokens (ids 32000–63999, never produced by encoding) so that every id it can emit
 * decodes; the shape, not the tokenizer, is under test there. Mistral's shape gets Mistral's real tokenizer.
 */
class JudgeFamilyShapesTest {

    /** fp32 engine against the float64 reference, as {@link OnnxBackendTest} holds the LLaMA shapes. */
    private static final double FP32_TOLERANCE = 1e-4;

    /** Yi-6B's facts on a tiny scale: 8 query heads share 1 key/value head, vocab 64000, θ 5e6, 4096 positions, untied. */
    static final TinyLlama.Spec BILINGUAL_6B_SHAPE =
            new TinyLlama.Spec("LlamaForCausalLM", 64000, 64, 128, 8, 1, 2, 4096, 5_000_000.0, 1e-5, false, "F32", 1, 2);

    /** Mistral-7B-v0.2's facts on a tiny scale: 4 query heads per key/value head, θ 1e6, 32768 positions, untied. */
    static final TinyLlama.Spec MISTRAL_V02_SHAPE =
            new TinyLlama.Spec("MistralForCausalLM", 32000, 64, 128, 8, 2, 2, 32768, 1_000_000.0, 1e-5, false, "F32", 1, 2);

    private static final int[] PROMPT = {1, 17, 200, 5, 99, 42, 3, 250, 17, 17, 31999, 900, 4, 4, 12, 600, 7, 1234, 88, 2001};

    @TempDir
    Path temp;

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("Auto-J bilingual 6B shape (Yi-6B: GQA 8:1, vocab 64000, θ 5e6)", BILINGUAL_6B_SHAPE, 606L),
                Arguments.of("Mistral-7B-v0.2 shape (Prometheus 2's base: GQA 4:1, θ 1e6, no sliding window)",
                        MISTRAL_V02_SHAPE, 702L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    @DisplayName("the engine reads the shape's config and its logits equal the float64 reference; the wrong θ would not")
    void logitsEqualTheReferenceAndTheRopeThetaIsRead(String name, TinyLlama.Spec spec, long seed) throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), spec, seed);
        writeNoSlidingWindow(model);

        ModelConfig config = ModelConfig.read(model.dir);
        assertThat(config.numKvHeads()).isEqualTo(spec.kvHeads());
        assertThat(config.groupSize()).isEqualTo(spec.heads() / spec.kvHeads());
        assertThat(config.ropeTheta()).isEqualTo(spec.ropeTheta());
        assertThat(config.vocabSize()).isEqualTo(spec.vocab());
        assertThat(config.contextWindow()).as("\"sliding_window\": null bounds nothing").isEqualTo(spec.maxPositions());

        try (OnnxBackend backend = OnnxBackend.open(OnnxOptions.of(model.dir).withCacheDir(temp.resolve("cache")))) {
            float[][] logits = backend.logitsOf(PROMPT);
            assertThat(maxDifference(logits, model.referenceLogits(PROMPT))).isLessThan(FP32_TOLERANCE);
            assertThat(maxDifference(logits, model.withRopeTheta(10000.0).referenceLogits(PROMPT)))
                    .as("against a reference with LLaMA-2's default θ 10000 the same logits must differ")
                    .isGreaterThan(100 * FP32_TOLERANCE);
            int[] greedy = backend.generateIds(PROMPT, 4).ids();
            assertThat(greedy).containsExactly(ints(model.referenceGreedy(PROMPT, 4)));
        }
    }

    @Test
    @DisplayName("Auto-J 6B shape through the judge: a Chinese request to a folder named autoj-bilingual-6b, exact greedy tokens, no verdict, no language warning")
    void bilingualSixBShapeThroughTheJudge() throws IOException {
        AutoJModel six = AutoJ.model(AutoJ.MODEL_BILINGUAL_6B).orElseThrow();
        assertThat(BILINGUAL_6B_SHAPE.vocab()).isEqualTo(six.vocabSize());
        assertThat(BILINGUAL_6B_SHAPE.heads() / BILINGUAL_6B_SHAPE.kvHeads()).isEqualTo(six.heads() / six.kvHeads());
        assertThat(BILINGUAL_6B_SHAPE.ropeTheta()).isEqualTo(six.ropeTheta());
        assertThat(BILINGUAL_6B_SHAPE.maxPositions()).isEqualTo(six.maxPositions());
        TinyLlama model = TinyLlama.write(temp.resolve("autoj-bilingual-6b"), BILINGUAL_6B_SHAPE, 2024);
        writeWidenedTokenizer(SharedFiles.tokenizer("llama2"), model.dir.resolve("tokenizer.json"), BILINGUAL_6B_SHAPE.vocab());
        List<String> warnings = new CopyOnWriteArrayList<>();
        Judge.GradeRequest request = new Judge.GradeRequest("北京是哪个国家的首都？", "中国。", Scenario.DEFAULT, Language.ZH);

        try (OnnxBackend backend = OnnxBackend.open(OnnxOptions.of(model.dir).withCacheDir(temp.resolve("cache")))) {
            assertThat(backend.modelId()).isEqualTo("autoj-bilingual-6b");
            Judgment judgment;
            try (Judge judge = Judges.builder().backend(new Unclosed(backend)).mode(StoreMode.LIVE).maxNewTokens(4)
                    .onWarning(warnings::add).build()) {
                judgment = judge.gradeAll(List.of(request)).get(0);
            }
            int[] promptIds = backend.encode(judgment.prompt().text());
            assertThat(judgment.promptTokens()).isEqualTo(promptIds.length);
            int[] reference = ints(model.referenceGreedy(promptIds, 4));
            assertThat(judgment.rawOutput()).isEqualTo(backend.decode(reference));
            assertThat(judgment.language()).isEqualTo(Language.ZH);
            assertThat(judgment.verdict()).isNull();
            assertThat(judgment.rating()).isNull();
            assertThat(judgment.noVerdictReason()).isNotBlank();
        }
        assertThat(warnings).as("the 6B speaks Chinese").isEmpty();
    }

    @Test
    @DisplayName("Mistral-v0.2 shape through Prometheus 2's path: prompt → Mistral tokens → exact greedy tokens → reader gives no score")
    void mistralShapeThroughThePrometheusPath() throws IOException {
        TinyLlama model = TinyLlama.write(temp.resolve("tiny-prometheus"), MISTRAL_V02_SHAPE, 2025);
        writeNoSlidingWindow(model);
        Files.copy(SharedFiles.tokenizer("mistral"), model.dir.resolve("tokenizer.json"));
        PrometheusPrompt prompt = Prometheus.absolute("What is 2 + 2?", "It is five.", Rubric.HELPFULNESS, null);

        try (OnnxBackend backend = OnnxBackend.open(OnnxOptions.of(model.dir).withCacheDir(temp.resolve("cache")))) {
            int[] promptIds = backend.encode(prompt.text());
            Generation generation = backend.generate(List.of(new GenerationRequest(prompt.text(), 4))).get(0);

            assertThat(promptIds[0]).isEqualTo(1);
            assertThat(Arrays.copyOfRange(promptIds, 1, 4)).as("[INST] as Mistral's tokenizer writes it")
                    .containsExactly(733, 16289, 28793);
            assertThat(generation.promptTokens()).isEqualTo(promptIds.length);
            assertThat(generation.text()).isEqualTo(backend.decode(ints(model.referenceGreedy(promptIds, 4))));
            JudgeFamily.Reading reading = Prometheus.readAbsolute(generation.text());
            assertThat(reading.isNoVerdict()).isTrue();
            assertThat(reading.noVerdictReason()).isNotBlank();
        }
    }

    @Test
    @DisplayName("Mistral-v0.2 shape through Judges as Prometheus 2: the library's prompts and token ids, exact greedy tokens, an honest no-verdict")
    void mistralShapeThroughTheJudgeAsPrometheus() throws IOException {
        List<PrometheusReference.Prompt> references = PrometheusReference.prompts();
        PrometheusReference.Prompt absolute = references.stream()
                .filter(r -> r.absolute() && r.referenceAnswer() != null).findFirst().orElseThrow();
        PrometheusReference.Prompt relative = references.stream()
                .filter(r -> !r.absolute() && r.predefinedRubric() == null).findFirst().orElseThrow();
        // The folder's name is the model id the embedded engine reports: Prometheus 2's repository name picks the family.
        TinyLlama model = TinyLlama.write(temp.resolve("prometheus-7b-v2.0"), MISTRAL_V02_SHAPE, 2026);
        writeNoSlidingWindow(model);
        Files.copy(SharedFiles.tokenizer("mistral"), model.dir.resolve("tokenizer.json"));
        List<String> warnings = new CopyOnWriteArrayList<>();

        try (OnnxBackend backend = OnnxBackend.open(OnnxOptions.of(model.dir).withCacheDir(temp.resolve("cache")))) {
            List<Judgment> judgments = new java.util.ArrayList<>();
            try (Judge judge = Judges.builder().backend(new Unclosed(backend)).mode(StoreMode.LIVE).maxNewTokens(6)
                    .onWarning(warnings::add).build()) {
                assertThat(judge.family()).isSameAs(JudgeFamilies.PROMETHEUS);
                judgments.add(judge.gradeAll(List.of(new Judge.GradeRequest(absolute.instruction(), absolute.response(), null)
                        .withRubric(absolute.rubric()).withReferenceAnswer(absolute.referenceAnswer()))).get(0));
                judgments.add(judge.compareInGivenOrderAll(List.of(new Judge.CompareRequest(relative.instruction(),
                        relative.responseA(), relative.responseB(), null).withRubric(relative.rubric())
                        .withReferenceAnswer(relative.referenceAnswer()))).get(0));
            }
            List<PrometheusReference.Prompt> expected = List.of(absolute, relative);
            for (int i = 0; i < 2; i++) {
                Judgment judgment = judgments.get(i);
                PrometheusReference.Prompt reference = expected.get(i);
                assertThat(judgment.prompt().text()).as(reference.id()).isEqualTo(reference.text());
                int[] promptIds = backend.encode(judgment.prompt().text());
                assertThat(promptIds).as(reference.id() + ": the library's Mistral token ids").containsExactly(reference.tokenIds());
                assertThat(judgment.promptTokens()).isEqualTo(promptIds.length);
                assertThat(judgment.rawOutput()).isEqualTo(backend.decode(ints(model.referenceGreedy(promptIds, 6))));
                // A random model writes no verdict: the family's reader finds none, and the pipeline says the output was
                // cut at the budget before one was stated. Nothing is made up.
                assertThat(judgment.verdict()).isNull();
                assertThat(judgment.rating()).isNull();
                assertThat(JudgeFamilies.PROMETHEUS.readOutput(judgment.prompt(), judgment.rawOutput()).noVerdictReason())
                        .startsWith(i == 0 ? "no score:" : "no verdict:");
                assertThat(judgment.noVerdictReason()).contains("before it stated a verdict");
            }
        }
        assertThat(warnings).isEmpty();
    }

    /** Mistral-7B-v0.2's config.json says {@code "sliding_window": null}; so does the Yi-shaped one here (Yi has none either). */
    private static void writeNoSlidingWindow(TinyLlama model) throws IOException {
        Path file = model.dir.resolve("config.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(file.toFile());
        config.putNull("sliding_window");
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(config));
    }

    /** {@code source}'s tokenizer with placeholder tokens {@code <placeholder_N>} for every id up to {@code vocab - 1}. */
    private static void writeWidenedTokenizer(Path source, Path target, int vocab) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(source.toFile());
        ObjectNode ids = (ObjectNode) root.path("model").path("vocab");
        int size = ids.size();
        for (int id = size; id < vocab; id++) {
            ids.put("<placeholder_" + id + ">", id);
        }
        Files.writeString(target, json.writeValueAsString(root));
    }

    private static int[] ints(List<Integer> ids) {
        return ids.stream().mapToInt(Integer::intValue).toArray();
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

    /** The test's back end lent to a judge, which must not close it. */
    private record Unclosed(OnnxBackend backend) implements dev.autoj.engine.backend.Backend {
        @Override
        public String name() {
            return backend.name();
        }

        @Override
        public String modelId() {
            return backend.modelId();
        }

        @Override
        public List<Generation> generate(List<GenerationRequest> requests) {
            return backend.generate(requests);
        }

        @Override
        public void close() {
        }
    }
}
