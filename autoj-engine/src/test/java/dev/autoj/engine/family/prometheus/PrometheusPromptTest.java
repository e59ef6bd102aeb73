package dev.autoj.engine.family.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.protocol.UnencodableTextException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prometheus 2's model input, byte-exact to what the prometheus-eval library builds. */
class PrometheusPromptTest {

    @Test
    void theTemplatesResourceIsTheSharedFactsFileByteForByte() throws IOException {
        byte[] shared = Files.readAllBytes(SharedFiles.prometheus("templates.json"));
        try (InputStream in = Templates.class.getResourceAsStream("templates.json")) {
            assertThat(in).isNotNull();
            assertThat(in.readAllBytes()).isEqualTo(shared);
        }
    }

    @Test
    void everyReferencePromptIsRebuiltByteForByte() {
        List<PrometheusReference.Prompt> references = PrometheusReference.prompts();
        assertThat(references).hasSize(41);
        int exact = 0;
        for (PrometheusReference.Prompt reference : references) {
            for (PrometheusPrompt built : build(reference)) {
                assertThat(built.templateName()).as(reference.id()).isEqualTo(reference.template());
                assertThat(built.system()).as(reference.id()).isEqualTo(reference.system());
                assertThat(built.filledTemplate()).as(reference.id()).isEqualTo(reference.filledTemplate());
                assertThat(built.text()).as(reference.id()).isEqualTo(reference.text());
            }
            exact++;
        }
        assertThat(exact).isEqualTo(41);
    }

    @Test
    void everyPromptEndsWithTheFeedbackHeadingAndTwoSpacesBeforeTheClosingTag() {
        for (PrometheusReference.Prompt reference : PrometheusReference.prompts()) {
            PrometheusPrompt built = build(reference).get(0);
            assertThat(built.text()).as(reference.id()).startsWith("[INST] " + built.system() + "\n###Task Description:\n")
                    .endsWith("###Feedback:  [/INST]");
        }
    }

    @Test
    void thePredefinedRubricsAreTheLibrarysFiveAndRelativeGradingShowsTheirFirstLine() {
        assertThat(Rubric.predefinedNames()).containsExactly("factual_validity", "harmlessness", "helpfulness", "honesty", "reasoning");
        assertThat(List.of(Rubric.HELPFULNESS, Rubric.HARMLESSNESS, Rubric.HONESTY, Rubric.FACTUAL_VALIDITY, Rubric.REASONING))
                .doesNotContainNull().doesNotHaveDuplicates();
        for (String name : Rubric.predefinedNames()) {
            Rubric rubric = Rubric.predefined(name).orElseThrow();
            String text = Templates.get(name.toUpperCase(java.util.Locale.ROOT) + "_RUBRIC");
            assertThat(rubric.text()).isEqualTo(text);
            assertThat(rubric.criteriaLine()).isEqualTo(text.substring(0, text.indexOf('\n')));
        }
        assertThat(Rubric.HELPFULNESS.criteria()).isEqualTo("Does the model provide relevant and useful responses to the user's needs or questions?");
        assertThat(Rubric.predefined("Helpfulness")).isEmpty();
    }

    @Test
    void aMissingReferenceAnswerPicksTheTemplateWithoutOneInsteadOfInsertingNone() {
        PrometheusPrompt without = Prometheus.absolute("Q", "R", Rubric.HONESTY, null);
        PrometheusPrompt empty = Prometheus.absolute("Q", "R", Rubric.HONESTY, "");

        assertThat(without.templateName()).isEqualTo("ABSOLUTE_PROMPT_WO_REF");
        assertThat(without.text()).doesNotContain("Reference Answer").doesNotContain("None");
        assertThat(empty.templateName()).isEqualTo("ABSOLUTE_PROMPT");
        assertThat(empty.text()).contains("###Reference Answer (Score 5):\n\n\n###Score Rubrics:");
        assertThat(Prometheus.relative("Q", "a", "b", "c", null).templateName()).isEqualTo("RELATIVE_PROMPT_WO_REF");
        assertThat(Prometheus.relative("Q", "a", "b", "c", "ref").templateName()).isEqualTo("RELATIVE_PROMPT");
    }

    @Test
    void textsAreInsertedVerbatimEvenWhenTheyLookLikePlaceholders() {
        PrometheusPrompt prompt = Prometheus.relative("{instruction}", "{response_B}", "}{", "{rubric} $1 \\", "{reference_answer}");

        assertThat(prompt.filledTemplate()).contains("###Instruction:\n{instruction}\n\n###Response A:\n{response_B}\n\n"
                + "###Response B:\n}{\n\n###Reference Answer:\n{reference_answer}\n\n###Score Rubric:\n{rubric} $1 \\\n\n###Feedback: ");
    }

    @Test
    void aUserRubricFillsTheScoreRubricTemplate() {
        Rubric rubric = Rubric.of("Is it {short}?", "No.", "", "Somewhat.", "Mostly.", "Yes.");

        assertThat(rubric.text()).isEqualTo("[Is it {short}?]\nScore 1: No.\nScore 2: \nScore 3: Somewhat.\nScore 4: Mostly.\nScore 5: Yes.");
        assertThat(Rubric.parse(rubric.text())).isEqualTo(rubric);
        assertThat(Prometheus.absolute("Q", "R", rubric, null).filledTemplate()).contains("###Score Rubrics:\n" + rubric.text() + "\n\n");
        assertThat(Prometheus.relative("Q", "a", "b", rubric, null).filledTemplate()).contains("###Score Rubric:\n[Is it {short}?]\n\n");
    }

    @Test
    void badInputIsRefusedWithTheNameOfTheText() {
        assertThatThrownBy(() -> Rubric.of("c", "1", "2", "3", "4", null)).hasMessageContaining("score 5");
        assertThatThrownBy(() -> new Rubric("c", List.of("1", "2"))).hasMessageContaining("5 score descriptions, not 2");
        assertThatThrownBy(() -> Prometheus.absolute("Q", null, "r", null)).hasMessageContaining("response");
        assertThatThrownBy(() -> Prometheus.relative("Q", "a", "b\uD800", "r", null))
                .isInstanceOf(UnencodableTextException.class).hasMessageContaining("The response B");
        assertThatThrownBy(() -> Prometheus.absolute("Q", "R", "r", "\uDC00")).hasMessageContaining("The reference answer");
        assertThatThrownBy(() -> Rubric.parse("Is it good?")).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The prompt as autoj builds it from the reference request: through the rubric text as given, and
     * also through a {@link Rubric} value where the library used one (a predefined rubric, or a filled
     * score-rubric template in absolute grading).
     */
    static List<PrometheusPrompt> build(PrometheusReference.Prompt r) {
        String ref = r.referenceAnswer();
        if (r.absolute()) {
            PrometheusPrompt asText = Prometheus.absolute(r.instruction(), r.response(), r.rubric(), ref);
            Rubric rubric = r.predefinedRubric() != null ? Rubric.predefined(r.predefinedRubric()).orElseThrow()
                    : r.rubricSource().equals("custom:SCORE_RUBRIC_TEMPLATE") ? Rubric.parse(r.rubric()) : null;
            return rubric == null ? List.of(asText) : List.of(asText, Prometheus.absolute(r.instruction(), r.response(), rubric, ref));
        }
        PrometheusPrompt asText = Prometheus.relative(r.instruction(), r.responseA(), r.responseB(), r.rubric(), ref);
        if (r.predefinedRubric() == null) {
            return List.of(asText);
        }
        Rubric rubric = Rubric.predefined(r.predefinedRubric()).orElseThrow();
        return List.of(asText, Prometheus.relative(r.instruction(), r.responseA(), r.responseB(), rubric, ref));
    }
}
