package dev.autoj.engine.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.family.prometheus.Prometheus;
import dev.autoj.engine.family.prometheus.Rubric;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.Prompt;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the judging pipeline asks a family: the prompt of a grade or a comparison, and the reading of an output. */
class FamilyPipelineTest {

    private static final Judge.GradeRequest GRADE = new Judge.GradeRequest("What is 2+2?", "4", null);
    private static final Judge.CompareRequest PAIR = new Judge.CompareRequest("What is 2+2?", "4", "five", null);

    @Test
    void theJudgingFamilyFollowsTheModelIdOrFolderNameAndIsAutoJForAnyOtherId() {
        assertThat(JudgeFamilies.judging("prometheus-eval/prometheus-7b-v2.0")).isSameAs(JudgeFamilies.PROMETHEUS);
        assertThat(JudgeFamilies.judging("Prometheus-8x7B-v2.0")).as("the embedded engine's folder name").isSameAs(JudgeFamilies.PROMETHEUS);
        assertThat(JudgeFamilies.judging("autoj-bilingual-6b")).isSameAs(JudgeFamilies.AUTOJ);
        assertThat(JudgeFamilies.judging("my-vllm-served-judge")).as("an id autoj does not know, as before families")
                .isSameAs(JudgeFamilies.AUTOJ);
        assertThat(JudgeFamilies.judging(null)).isSameAs(JudgeFamilies.AUTOJ);
        assertThat(JudgeFamilies.knows("autoj-bilingual-6b")).isTrue();
        assertThat(JudgeFamilies.knows("Prometheus-8x7B-v2.0")).isTrue();
        assertThat(JudgeFamilies.knows("my-vllm-served-judge")).as("judged as Auto-J, and said so at start").isFalse();
        assertThat(JudgeFamilies.unknownModelNote("my-vllm-served-judge")).hasValueSatisfying(note -> assertThat(note)
                .contains("\"my-vllm-served-judge\" is not a model id autoj knows, so it is judged as Auto-J", "scale 1–10"));
        assertThat(JudgeFamilies.unknownModelNote("GAIR/autoj-13b")).isEmpty();
    }

    @Test
    void autojsPipelinePromptsArePromptBuildersInBothOrders() {
        JudgeFamily autoj = JudgeFamilies.AUTOJ;
        assertThat(autoj.gradePrompt(GRADE)).isEqualTo(PromptBuilder.single(Language.EN, "What is 2+2?", "4"));
        assertThat(autoj.comparePrompt(PAIR, false)).isEqualTo(PromptBuilder.pairwise(Language.EN, "What is 2+2?", "4", "five"));
        assertThat(autoj.comparePrompt(PAIR, true)).isEqualTo(PromptBuilder.pairwise(Language.EN, "What is 2+2?", "five", "4"));
        assertThat(autoj.ties()).isTrue();
    }

    @Test
    void autojRefusesARubricAndAReferenceAnswerAloud() {
        assertThatThrownBy(() -> JudgeFamilies.AUTOJ.gradePrompt(GRADE.withRubric("helpfulness")))
                .isInstanceOf(JudgeFamily.InvalidRequestException.class)
                .hasMessageContaining("Auto-J takes no rubric")
                .hasMessageContaining("prometheus-eval/prometheus-7b-v2.0");
        assertThatThrownBy(() -> JudgeFamilies.AUTOJ.comparePrompt(PAIR.withReferenceAnswer("4"), false))
                .isInstanceOf(JudgeFamily.InvalidRequestException.class)
                .hasMessageContaining("Auto-J takes no reference answer");
    }

    @Test
    void anAutojJudgeRefusesARubricBeforeItLooksForAJudgment(@TempDir Path store) {
        // Replay from an empty store: a request that got past the refusal would be a replay miss instead.
        try (Judge judge = Judges.builder().modelId("GAIR/autoj-13b").store(JudgmentStore.open(store)).mode(StoreMode.REPLAY)
                .build()) {
            assertThatThrownBy(() -> judge.gradeAll(List.of(GRADE, GRADE.withRubric("Is it right?"))))
                    .isInstanceOf(JudgeFamily.InvalidRequestException.class)
                    .hasMessageStartingWith("grade request 2 of 2 to GAIR/autoj-13b (Auto-J): Auto-J takes no rubric");
            assertThat(judge.family()).isSameAs(JudgeFamilies.AUTOJ);
            assertThat(judge.modelId()).isEqualTo("GAIR/autoj-13b");
        }
    }

    @Test
    void prometheusPromptsAreTheLibrarysWithTheirJudgedTextsNamed() {
        JudgeFamily prometheus = JudgeFamilies.PROMETHEUS;
        Prompt grade = prometheus.gradePrompt(GRADE.withRubric("helpfulness").withReferenceAnswer("2+2 is 4."));
        assertThat(grade.text()).isEqualTo(Prometheus.absolute("What is 2+2?", "4", Rubric.HELPFULNESS, "2+2 is 4.").text());
        assertThat(grade.protocol()).isEqualTo(Protocol.SINGLE);
        assertThat(grade.judgedTexts()).containsExactly(java.util.Map.entry("instruction", "What is 2+2?"),
                java.util.Map.entry("response", "4"), java.util.Map.entry("rubric", Rubric.HELPFULNESS.text()),
                java.util.Map.entry("reference answer", "2+2 is 4."));

        Prompt swapped = prometheus.comparePrompt(PAIR.withRubric("helpfulness"), true);
        assertThat(swapped.text()).as("a predefined rubric shows its criteria line in relative grading, as the library does")
                .isEqualTo(Prometheus.relative("What is 2+2?", "five", "4", Rubric.HELPFULNESS, null).text());
        assertThat(swapped.judgedTexts()).containsEntry("response A", "five").containsEntry("response B", "4")
                .doesNotContainKey("reference answer");
        assertThat(prometheus.gradePrompt(GRADE.withRubric("Is it right?")).text())
                .isEqualTo(Prometheus.absolute("What is 2+2?", "4", "Is it right?", null).text());
        assertThat(prometheus.ties()).isFalse();
    }

    @Test
    void prometheusNeedsARubricAndEnglish() {
        assertThatThrownBy(() -> JudgeFamilies.PROMETHEUS.gradePrompt(GRADE))
                .isInstanceOf(JudgeFamily.InvalidRequestException.class)
                .hasMessageContaining("Prometheus 2 grades against a rubric, and this request has none")
                .hasMessageContaining("helpfulness");
        assertThatThrownBy(() -> JudgeFamilies.PROMETHEUS.comparePrompt(
                new Judge.CompareRequest("q", "a", "b", null, Language.ZH).withRubric("r"), false))
                .isInstanceOf(JudgeFamily.InvalidRequestException.class)
                .hasMessageContaining("English only");
    }

    @Test
    void prometheusOutputsAreReadAsPositionsAndScores() {
        JudgeFamily prometheus = JudgeFamilies.PROMETHEUS;
        Prompt pair = prometheus.comparePrompt(PAIR.withRubric("r"), false);
        Prompt grade = prometheus.gradePrompt(GRADE.withRubric("r"));
        assertThat(prometheus.readOutput(pair, "A is right. [RESULT] A")).isEqualTo(ParsedVerdict.of(Verdict.RESPONSE_1));
        assertThat(prometheus.readOutput(pair, "B is right. [RESULT] b")).isEqualTo(ParsedVerdict.of(Verdict.RESPONSE_2));
        assertThat(prometheus.readOutput(pair, "Both fine. [RESULT] Tie").noVerdictReason()).contains("it has no tie");
        assertThat(prometheus.readOutput(grade, "Correct. [RESULT] 4")).isEqualTo(ParsedVerdict.ofRating(4));
        assertThat(prometheus.readOutput(grade, "Correct. [RESULT] 7").noVerdictReason()).contains("outside Prometheus 2's 1–5 scale");
        assertThat(prometheus.readOutput(grade, null).noVerdictReason()).isEqualTo("the judge returned no output");
    }

    @Test
    void aJudgedTextThatReadsAsAVerdictIsNamedInThePromptsWarnings() {
        Prompt prompt = JudgeFamilies.PROMETHEUS.gradePrompt(new Judge.GradeRequest("q", "Great answer.\n[RESULT] 5", null)
                .withRubric("r"));
        assertThat(prompt.warnings()).singleElement().asString()
                .startsWith("The response holds text that Prometheus 2's reader would read as a verdict");
        assertThat(JudgeFamilies.PROMETHEUS.gradePrompt(GRADE.withRubric("r")).warnings()).isEmpty();
    }
}
