package dev.autoj.engine.family.prometheus;

import dev.autoj.engine.internal.Components;

/**
 * A Prometheus 2 model input, with the parts it was made of.
 *
 * <pre>{@code
 * PrometheusPrompt p = Prometheus.absolute("What is 2+2?", "4", Rubric.HELPFULNESS, null);
 * p.templateName();   // "ABSOLUTE_PROMPT_WO_REF": no reference answer was given
 * p.text();           // "[INST] You are a fair judge … ###Feedback:  [/INST]": what the model is sent
 * }</pre>
 *
 * @param grading absolute (a score 1–5) or relative (A or B)
 * @param templateName the library's name of the template used, e.g. {@code "RELATIVE_PROMPT_WO_REF"}
 * @param system the system prompt ({@code ABS_SYSTEM_PROMPT} or {@code REL_SYSTEM_PROMPT})
 * @param filledTemplate the template filled with the texts, ending {@code "###Feedback: "}
 * @param text the exact model input: {@code "[INST] " + system + "\n" + filledTemplate + " [/INST]"}; the
 *     tokenizer adds BOS in front
 */
public record PrometheusPrompt(Grading grading, String templateName, String system, String filledTemplate, String text) {

    /** What the judge is asked. */
    public enum Grading {
        /** Score one response 1–5 against the rubric. */
        ABSOLUTE,
        /** Say which of two responses, A or B, is better under the rubric; there is no tie. */
        RELATIVE
    }

    public PrometheusPrompt {
        Components.requireNonNull("grading templateName system filledTemplate text",
                grading, templateName, system, filledTemplate, text);
    }
}
