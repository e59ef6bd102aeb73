package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.Prompt;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.protocol.VerdictParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole judge path on a tiny random model with LLaMA-2's vocabulary and real tokenizer:
 * Auto-J prompt → tokens → greedy generation → text → verdict parser. A random model writes no
 * verdict, so the parser must answer no-verdict with its reason.
 */
class JudgePathTest {

    @TempDir
    Path temp;

    @Test
    @DisplayName("a tiny vocab-32000 model driven by the LLaMA-2 tokenizer yields text the parser reads as no-verdict with a reason")
    void randomModelThroughTheJudgePathGivesNoVerdictWithReason() throws IOException {
        Path tokenizerJson = SharedFiles.tokenizer("llama2");
        TinyLlama.Spec spec = TinyLlama.Spec.small().vocab(32000).shape(32, 64, 4, 2, 1).tied(true).maxPositions(1024);
        TinyLlama model = TinyLlama.write(temp.resolve("tiny-autoj"), spec, 2024);
        Files.copy(tokenizerJson, model.dir.resolve("tokenizer.json"));
        Prompt prompt = PromptBuilder.pairwise(Language.EN, "What is 2 + 2?", "4", "It is five.");

        try (OnnxBackend backend = OnnxBackend.open(OnnxOptions.of(model.dir).withCacheDir(temp.resolve("cache")))) {
            Generation generation = backend.generate(List.of(new GenerationRequest(prompt.text(), 40))).get(0);
            int[] promptIds = backend.encode(prompt.text());
            TokenGeneration ids = backend.generateIds(promptIds, 40);

            assertThat(promptIds[0]).isEqualTo(1);
            assertThat(generation.promptTokens()).isEqualTo(promptIds.length);
            assertThat(generation.text()).isEqualTo(backend.decode(ids.ids()));
            assertThat(generation.stopReason()).isEqualTo(ids.stopReason());
            assertThat(generation.generatedTokens()).isBetween(1, 40);
            List<Integer> reference = model.referenceGreedy(promptIds, 3);
            assertThat(ids.ids()).startsWith(reference.stream().mapToInt(Integer::intValue).toArray());

            ParsedVerdict verdict = VerdictParser.parse(Protocol.PAIRWISE, Language.EN, generation.text());
            assertThat(verdict.isNoVerdict()).isTrue();
            assertThat(verdict.noVerdictReason()).contains("final decision is");
        }
    }
}
