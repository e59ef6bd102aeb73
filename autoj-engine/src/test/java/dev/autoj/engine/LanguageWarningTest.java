package dev.autoj.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.store.StoreMode;
import dev.autoj.engine.testing.AnsweringBackend;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Chinese request to an Auto-J model GAIR did not release for Chinese is judged, with one warning per
 * judge that names the model to use; the bilingual 6B and models autoj does not know get no warning.
 */
class LanguageWarningTest {

    private static final Judge.GradeRequest ZH = new Judge.GradeRequest("北京是哪个国家的首都？", "中国。", Scenario.DEFAULT, Language.ZH);
    private static final Judge.GradeRequest EN = new Judge.GradeRequest("Capital of France?", "Paris.", Scenario.DEFAULT, Language.EN);
    private static final Judge.CompareRequest ZH_PAIR =
            new Judge.CompareRequest("北京是哪个国家的首都？", "中国。", "日本。", Scenario.DEFAULT, Language.ZH);

    @ParameterizedTest
    @ValueSource(strings = {"GAIR/autoj-13b", "GAIR/autoj-13b-GPTQ-4bits", "autoj-13b"})
    void aChineseRequestToAnEnglishOnlyAutoJIsJudgedWithOneWarningPerJudge(String modelId) {
        List<String> warnings = new CopyOnWriteArrayList<>();
        AnsweringBackend backend = answering(modelId);
        try (Judge judge = Judges.builder().backend(backend).mode(StoreMode.LIVE).onWarning(warnings::add).build()) {
            List<Judgment> first = judge.gradeAll(List.of(EN, ZH, ZH));
            judge.compareAll(List.of(ZH_PAIR));
            judge.gradeAll(List.of(ZH));

            assertThat(first).extracting(Judgment::language).containsExactly(Language.EN, Language.ZH, Language.ZH);
            assertThat(backend.prompts()).as("a batch sends one prompt once: 2 + 2 + 1").hasSize(5);
        }
        String canonical = modelId.startsWith("GAIR/") ? modelId : "GAIR/autoj-13b";
        assertThat(warnings).containsExactly(dev.autoj.engine.internal.UntrainedLanguage.message(canonical, Language.ZH));
        assertThat(warnings.get(0)).contains("Chinese (Language.ZH) request goes to " + canonical)
                .contains("released for English only").contains("GAIR/autoj-bilingual-6b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GAIR/autoj-bilingual-6b", "autoj-bilingual-6b", "my-own-judge"})
    void theBilingualSixBAndUnknownModelsAreNotWarned(String modelId) {
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (Judge judge = Judges.builder().backend(answering(modelId)).mode(StoreMode.LIVE)
                .onWarning(warnings::add).build()) {
            judge.gradeAll(List.of(ZH));
            judge.compareAll(List.of(ZH_PAIR));
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void englishRequestsToTheThirteenBAreNotWarned() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (Judge judge = Judges.builder().backend(answering("GAIR/autoj-13b")).mode(StoreMode.LIVE)
                .onWarning(warnings::add).build()) {
            judge.gradeAll(List.of(EN, EN));
        }
        assertThat(warnings).isEmpty();
    }

    /** Answers every prompt with the same short English judgment (a test back end, not a model). */
    private static AnsweringBackend answering(String modelId) {
        return new AnsweringBackend("answering", modelId, prompt -> "Fine. Rating: [[8]]");
    }
}
