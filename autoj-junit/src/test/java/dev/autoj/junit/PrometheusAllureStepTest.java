package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autoj.engine.Judges;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.engine.family.prometheus.Prometheus;
import dev.autoj.engine.family.prometheus.Rubric;
import dev.autoj.engine.store.StoreMode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Allure step of a Prometheus 2 assertion shows what the judge graded against: the rubric and the
 * reference answer, as parameters beside the rating. The judge's back end answers with an output <b>this
 * test writes</b> ({@code [RESULT] 4}); no Prometheus output exists here.
 */
class PrometheusAllureStepTest {

    static final Rubric CONCISE = Rubric.of("Is the answer concise?", "Rambling.", "Mostly rambling.", "Adequate.",
            "Mostly concise.", "Concise and complete.");

    @TempDir
    Path dir;

    @ExtendWith(OnlyInTestKit.class)
    static class Reported {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(settings -> Judges.builder()
                .backend(new TestWritten()).mode(StoreMode.LIVE).build());

        @Test
        void conciseAnswer() {
            assertThatResponse("Four.").forQuery("What is 2+2?").withRubric(CONCISE).withReferenceAnswer("4")
                    .scoresAtLeast(4);
        }
    }

    /** Answers every prompt with a score the test writes, under Prometheus 2's model id. */
    static final class TestWritten implements Backend {
        @Override
        public String name() {
            return "test-written";
        }

        @Override
        public String modelId() {
            return Prometheus.MODEL_7B;
        }

        @Override
        public List<Generation> generate(List<GenerationRequest> requests) {
            return requests.stream().map(r -> new Generation("Written by the test. [RESULT] 4", StopReason.EOS, 100, 8,
                    Duration.ZERO)).toList();
        }
    }

    @Test
    void theStepShowsTheRubricAndTheReferenceAnswer() throws IOException {
        Path results = dir.resolve("allure-results");
        AllureResultsTest.runWithAllure(results, Reported.class, 1);

        JsonNode test = AllureResultsTest.testResult(results, "conciseAnswer");
        assertThat(test.get("status").asText()).isEqualTo("passed");
        JsonNode step = test.get("steps").get(0);
        assertThat(AllureResultsTest.parameters(step)).containsEntry("rubric", CONCISE.text())
                .containsEntry("reference answer", "4").containsEntry("rating", "4")
                .containsEntry("model", Prometheus.MODEL_7B);
        assertThat(AllureResultsTest.attachment(results, test, "prompt")).isEqualTo(
                Prometheus.absolute("What is 2+2?", "Four.", CONCISE, "4").text());
    }
}
