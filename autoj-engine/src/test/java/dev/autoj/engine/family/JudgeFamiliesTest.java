package dev.autoj.engine.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.Language;
import dev.autoj.engine.family.prometheus.Prometheus;
import dev.autoj.engine.family.prometheus.Rubric;
import dev.autoj.engine.protocol.PromptBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One description per judge family, found by model id. */
class JudgeFamiliesTest {

    @Test
    void eachKnownModelIdFindsItsFamilyWhateverItsCase() {
        assertThat(JudgeFamilies.forModel("GAIR/autoj-13b")).isSameAs(JudgeFamilies.AUTOJ).isSameAs(JudgeFamilies.DEFAULT);
        assertThat(JudgeFamilies.forModel(" gair/AUTOJ-13B ")).isSameAs(JudgeFamilies.AUTOJ);
        assertThat(JudgeFamilies.forModel("prometheus-eval/prometheus-7b-v2.0")).isSameAs(JudgeFamilies.PROMETHEUS);
        assertThat(JudgeFamilies.forModel("prometheus-eval/prometheus-8x7b-v2.0")).isSameAs(JudgeFamilies.PROMETHEUS);
        assertThat(JudgeFamilies.all()).containsExactly(JudgeFamilies.AUTOJ, JudgeFamilies.PROMETHEUS);
    }

    @Test
    void anUnknownModelIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> JudgeFamilies.forModel("prometheus-eval/prometheus-13b-v1.0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown judge model \"prometheus-eval/prometheus-13b-v1.0\"; known: GAIR/autoj-13b, GAIR/autoj-bilingual-6b,"
                        + " GAIR/autoj-13b-GPTQ-4bits (Auto-J),"
                        + " prometheus-eval/prometheus-7b-v2.0, prometheus-eval/prometheus-8x7b-v2.0 (Prometheus 2)");
        assertThatThrownBy(() -> JudgeFamilies.forModel(null)).hasMessageContaining("known: GAIR/autoj-13b");
    }

    @Test
    void theFamiliesStateTheirFacts() {
        JudgeFamily autoj = JudgeFamilies.AUTOJ;
        assertThat(autoj.defaultModelId()).isEqualTo("GAIR/autoj-13b");
        assertThat(autoj.protocols()).containsExactly("single", "pairwise", "scenario");
        assertThat(autoj.readableProtocols()).containsExactly("single", "pairwise");
        assertThat(autoj.scale()).isEqualTo(new JudgeFamily.Scale(1, 10));
        assertThat(autoj.defaultContextWindow()).isEqualTo(4096);
        assertThat(autoj.scenariosApply()).isTrue();

        JudgeFamily prometheus = JudgeFamilies.PROMETHEUS;
        assertThat(prometheus.defaultModelId()).isEqualTo(Prometheus.MODEL_7B);
        assertThat(prometheus.protocols()).containsExactly("absolute", "relative").isEqualTo(prometheus.readableProtocols());
        assertThat(prometheus.scale().toString()).isEqualTo("1–5");
        assertThat(prometheus.scale().contains(5)).isTrue();
        assertThat(prometheus.scale().contains(6)).isFalse();
        assertThat(prometheus.scenariosApply()).isFalse();
    }

    @Test
    void autojRequestsBuildPromptBuildersPromptsAndReadWithItsParser() {
        JudgeFamily.Request single = JudgeFamily.Request.of("single", Map.of("query", "What is 2+2?", "response", "4"));
        JudgeFamily.Request pairwise = new JudgeFamily.Request("Pairwise", Language.ZH,
                Map.of("query", "q", "response_1", "a", "response_2", "b"));

        assertThat(JudgeFamilies.AUTOJ.prompt(single).text()).isEqualTo(PromptBuilder.single(Language.EN, "What is 2+2?", "4").text());
        assertThat(JudgeFamilies.AUTOJ.prompt(pairwise).text()).isEqualTo(PromptBuilder.pairwise(Language.ZH, "q", "a", "b").text());
        assertThat(JudgeFamilies.AUTOJ.read(single, "Fine. Rating: [[7]]").score()).isEqualTo(7.0);
        assertThat(JudgeFamilies.AUTOJ.read(JudgeFamily.Request.of("pairwise", Map.of()), "So, the final decision is Tie").verdict())
                .isEqualTo("TIE");
        assertThatThrownBy(() -> JudgeFamilies.AUTOJ.read(JudgeFamily.Request.of("scenario", Map.of()), "x"))
                .isInstanceOf(JudgeFamily.InvalidRequestException.class).hasMessageContaining("autoj classify");
    }

    @Test
    void prometheusRequestsNameAPredefinedRubricOrGiveItsText() {
        Map<String, String> texts = new HashMap<>(Map.of("instruction", "Q", "response_a", "a", "response_b", "b", "rubric", "honesty"));
        JudgeFamily.Request byName = JudgeFamily.Request.of("relative", texts);
        texts.put("rubric", "Honesty");
        JudgeFamily.Request byText = JudgeFamily.Request.of("relative", texts);

        assertThat(JudgeFamilies.PROMETHEUS.prompt(byName).text())
                .isEqualTo(Prometheus.relative("Q", "a", "b", Rubric.HONESTY, null).text())
                .contains("###Score Rubric:\n" + Rubric.HONESTY.criteriaLine() + "\n\n");
        assertThat(JudgeFamilies.PROMETHEUS.prompt(byText).text()).contains("###Score Rubric:\nHonesty\n\n");
        assertThat(JudgeFamilies.PROMETHEUS.read(byName, "[RESULT] b").verdict()).isEqualTo("B");
    }

    @Test
    void prometheusRefusesWhatItCannotServeNamingTheField() {
        JudgeFamily prometheus = JudgeFamilies.PROMETHEUS;
        assertThatThrownBy(() -> prometheus.prompt(JudgeFamily.Request.of("absolute", Map.of("instruction", "Q", "rubric", "r"))))
                .isInstanceOfSatisfying(JudgeFamily.InvalidRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo("response");
                    assertThat(e.getMessage()).isEqualTo("field \"response\" is missing; add \"response\" to this line");
                });
        assertThatThrownBy(() -> prometheus.prompt(JudgeFamily.Request.of("pairwise", Map.of("rubric", "r"))))
                .hasMessage("unknown protocol \"pairwise\"; use \"absolute\" or \"relative\"");
        assertThatThrownBy(() -> prometheus.read(new JudgeFamily.Request("absolute", Language.ZH, Map.of()), "[RESULT] 3"))
                .hasMessageContaining("English only");
    }
}
