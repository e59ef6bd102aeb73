package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.autoj.engine.Scenario;
import dev.autoj.onnx.TinyLlama;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@code autoj.backend=onnx} in a real JUnit launch: the extension loads a tiny random LLaMA checkpoint
 * (LLaMA-2's vocabulary and real tokenizer) into the embedded engine and judges with it. A random model
 * writes no rating, so a {@code scoresAtLeast(1)} assertion must fail with the no-verdict reason.
 */
class OnnxBackendLaunchTest {

    @TempDir
    Path dir;

    @AutoJ
    @ExtendWith(OnlyInTestKit.class)
    static class GradedByTheEmbeddedEngine {
        @Test
        void scoresAtLeastOne() {
            assertThatResponse("It is 4.").forQuery("What is 2 + 2?").inScenario(Scenario.MATH_REASONING).scoresAtLeast(1);
        }
    }

    @AutoJ
    @ExtendWith(OnlyInTestKit.class)
    static class AlsoGraded {
        @Test
        void scoresAtLeastOne() {
            assertThatResponse("Four.").forQuery("What is 2 + 2?").inScenario(Scenario.MATH_REASONING).scoresAtLeast(1);
        }
    }


    @Test
    void aRandomModelsJudgmentFailsScoresAtLeastWithTheNoVerdictReason() throws IOException {
        Path model = TinyLlama.withLlama2Tokenizer(dir.resolve("tiny-autoj")).dir;

        // A random model cannot reproduce Auto-J's golden answers (nor fit them in its 1024-token window):
        // the conformance check is off so that the launch reaches the assertion under test.
        EngineExecutionResults results = Launches.launch(dir.resolve("summary"), Map.of("autoj.backend", "onnx",
                "autoj.mode", "live", "autoj.model.path", model.toString(), "autoj.model.cache-dir", dir.resolve("cache").toString(),
                "autoj.max-new-tokens", "12", "autoj.device", "cpu", "autoj.conformance", "off"), GradedByTheEmbeddedEngine.class);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1).succeeded(0));
        results.testEvents().failed().assertEventsMatchExactly(event(test("scoresAtLeastOne"), finishedWithFailure(message(m ->
                (m.contains("no verdict") || m.contains("no rating")) && m.contains("judge output truncated at 12 tokens")))));
    }

    @Test
    void aModelPathThatIsNoCheckpointFailsEveryTestNamingTheKey() {
        Path absent = dir.resolve("no-such-model");

        EngineExecutionResults results = Launches.launch(dir.resolve("summary"), Map.of("autoj.backend", "onnx",
                "autoj.mode", "live", "autoj.model.path", absent.toString()), GradedByTheEmbeddedEngine.class, AlsoGraded.class);

        String expected = "Invalid autoj configuration: autoj.model.path (or AUTOJ_MODEL_PATH) = " + absent + ": it is not a folder"
                + " (seen from " + Path.of("").toAbsolutePath() + "); give a Hugging Face model folder holding config.json,"
                + " tokenizer.json and the *.safetensors weights, or an Optimum / onnxruntime-genai export.";
        results.testEvents().assertStatistics(s -> s.started(2).failed(2));
        results.testEvents().failed().assertEventsMatchExactly(finishedWithFailure(message(expected)),
                finishedWithFailure(message(expected)));
    }

    @Test
    void aCheckpointTheEngineCannotLoadFailsTheFirstTestNamingTheKeyAndSkipsTheRest() throws IOException {
        Path model = TinyLlama.withLlama2Tokenizer(dir.resolve("tiny-autoj")).dir;
        Files.writeString(model.resolve("config.json"), "{\"architectures\":[\"BertModel\"]}");

        EngineExecutionResults results = Launches.launch(dir.resolve("summary"), Map.of("autoj.backend", "onnx",
                "autoj.mode", "live", "autoj.model.path", model.toString(), "autoj.model.cache-dir", dir.resolve("cache").toString()),
                GradedByTheEmbeddedEngine.class, AlsoGraded.class);

        results.testEvents().assertStatistics(s -> s.started(2).failed(1).aborted(1));
        results.testEvents().failed().assertEventsMatchExactly(event(finishedWithFailure(message(m ->
                m.startsWith("autoj.model.path (or AUTOJ_MODEL_PATH) = " + model + ": the embedded engine cannot load this model: ")))));
    }
}
