package dev.autoj.engine.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.store.StoreMode;
import dev.autoj.engine.testing.AnsweringBackend;
import dev.autoj.engine.testing.LogCapture;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conformance is per model: the golden set is Auto-J-13B's published outputs, so an Auto-J model without
 * a golden set of its own is not held to them, and says so once; the 13B (and any model autoj does not
 * know) is held to them as before. The back end here answers every prompt with text that holds no verdict,
 * so any model that is checked fails.
 */
class PerModelConformanceTest {

    private LogCapture log;

    @BeforeEach
    void capture() {
        log = new LogCapture(Conformance.class);
    }

    @AfterEach
    void release() {
        log.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GAIR/autoj-bilingual-6b", "GAIR/autoj-13b-GPTQ-4bits", "autoj-bilingual-6b"})
    void aModelWithoutAGoldenSetPassesStrictModeUnaskedAndSaysSoOnce(String modelId) {
        AnsweringBackend backend = wrong(modelId);

        assertThat(Conformance.beforeFirstJudgment(backend, StoreMode.RECORD, ConformanceMode.STRICT)).isEmpty();

        assertThat(backend.prompts()).as("prompts sent to the back end").isEmpty();
        assertThat(log.records()).hasSize(1);
        assertThat(log.records().get(0).getLevel()).isEqualTo(Level.WARNING);
        assertThat(log.records().get(0).getMessage())
                .startsWith("conformance: no golden set for GAIR/autoj-")
                .contains("Auto-J-13B's published outputs and another model is not held to them")
                .contains("autoj.conformance=strict cannot fail this run");
        assertThat(Conformance.hasGoldenSet(modelId)).isFalse();
    }

    @Test
    void warnModeSaysTheSameWithoutTheStrictNote() {
        AnsweringBackend backend = wrong("GAIR/autoj-13b-GPTQ-4bits");

        assertThat(Conformance.beforeFirstJudgment(backend, StoreMode.LIVE, ConformanceMode.WARN)).isEmpty();

        assertThat(backend.prompts()).isEmpty();
        assertThat(log.records()).singleElement().satisfies(r -> assertThat(r.getMessage())
                .contains("GAIR warns that its behaviour \"might be different\"").doesNotContain("strict"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GAIR/autoj-13b", "autoj-13b", "my-judge"})
    void theThirteenBAndUnknownNamesAreStillHeldToTheThirteenBsAnswers(String modelId) {
        AnsweringBackend backend = wrong(modelId);

        assertThatThrownBy(() -> Conformance.beforeFirstJudgment(backend, StoreMode.RECORD, ConformanceMode.STRICT))
                .isInstanceOf(ConformanceException.class);

        assertThat(backend.prompts()).isNotEmpty();
        assertThat(log.records()).noneMatch(r -> r.getMessage().contains("no golden set"));
        assertThat(Conformance.hasGoldenSet(modelId)).isTrue();
    }

    @Test
    void offAndReplayStaySilentForEveryModel() {
        AnsweringBackend backend = wrong("GAIR/autoj-bilingual-6b");

        assertThat(Conformance.beforeFirstJudgment(backend, StoreMode.RECORD, ConformanceMode.OFF)).isEmpty();
        assertThat(Conformance.beforeFirstJudgment(backend, StoreMode.REPLAY, ConformanceMode.STRICT)).isEmpty();

        assertThat(log.records()).isEmpty();
    }

    /** A test back end named {@code modelId} whose every answer holds no verdict. */
    private static AnsweringBackend wrong(String modelId) {
        return new AnsweringBackend("wrong", modelId, prompt -> "I would rather not say.");
    }
}
