package dev.autoj.onnx.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.family.prometheus.Prometheus;
import dev.autoj.engine.family.prometheus.PrometheusReference;
import dev.autoj.engine.family.prometheus.Rubric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every Prometheus 2 reference prompt built by autoj and tokenized with the Mistral tokenizer gives the
 * token ids the prometheus-eval library's input gives (BOS first, {@code [INST]} as plain text).
 */
class PrometheusTokensTest {

    @Test
    @DisplayName("all 41 Prometheus 2 reference prompts are byte- and token-exact with the Mistral tokenizer")
    void everyReferencePromptIsTokenExact() {
        List<PrometheusReference.Prompt> references = PrometheusReference.prompts();
        List<String> mismatches = new ArrayList<>();
        int exact = 0;
        try (Tokenizer tokenizer = Tokenizer.load(SharedFiles.tokenizer("mistral"))) {
            for (PrometheusReference.Prompt reference : references) {
                String text = build(reference);
                int[] ids = tokenizer.encode(text);
                if (!text.equals(reference.text())) {
                    mismatches.add(reference.id() + ": text differs");
                } else if (!Arrays.equals(ids, reference.tokenIds()) || ids.length != reference.tokenCount()) {
                    mismatches.add(reference.id() + ": " + ids.length + " ids, expected " + reference.tokenCount());
                } else {
                    exact++;
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(exact).isEqualTo(references.size()).isEqualTo(41);
    }

    @Test
    void theWrapperTagIsPlainTextToMistralsTokenizer() {
        try (Tokenizer tokenizer = Tokenizer.load(SharedFiles.tokenizer("mistral"))) {
            assertThat(tokenizer.encode("[INST]")).containsExactly(1, 733, 16289, 28793);
        }
    }

    private static String build(PrometheusReference.Prompt r) {
        Rubric predefined = r.predefinedRubric() == null ? null : Rubric.predefined(r.predefinedRubric()).orElseThrow();
        if (r.absolute()) {
            return predefined == null
                    ? Prometheus.absolute(r.instruction(), r.response(), r.rubric(), r.referenceAnswer()).text()
                    : Prometheus.absolute(r.instruction(), r.response(), predefined, r.referenceAnswer()).text();
        }
        return predefined == null
                ? Prometheus.relative(r.instruction(), r.responseA(), r.responseB(), r.rubric(), r.referenceAnswer()).text()
                : Prometheus.relative(r.instruction(), r.responseA(), r.responseB(), predefined, r.referenceAnswer()).text();
    }
}
