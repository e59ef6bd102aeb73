package dev.autoj.engine.family.prometheus;

import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.internal.Placeholders;
import dev.autoj.engine.protocol.UnencodableTextException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Prometheus 2 ({@code prometheus-eval/prometheus-7b-v2.0}, {@code prometheus-eval/prometheus-8x7b-v2.0}):
 * its model input, byte-exact to the prometheus-eval library (GitHub main, {@code dcfb442}) as it sends it
 * through vLLM, and its output read as the library reads it.
 *
 * <pre>{@code
 * PrometheusPrompt prompt = Prometheus.absolute("Translate 'cat' to French.", "chat", Rubric.HELPFULNESS, "chat");
 * String modelInput = prompt.text();     // "[INST] You are a fair judge … ###Feedback:  [/INST]"
 * Prometheus.readAbsolute("Correct and idiomatic. [RESULT] 5").score();   // 5.0
 *
 * PrometheusPrompt pair = Prometheus.relative("Compare.", "first answer", "second answer", Rubric.HONESTY, null);
 * Prometheus.readRelative("B is more candid. [RESULT] B").verdict();      // "B"
 * }</pre>
 *
 * <p><b>Template.</b> The template with a reference-answer section is used exactly when a reference answer
 * is given (null means none; {@code ""} is a given, empty answer). The library chooses once per judge
 * object and fills a missing reference with the word {@code None}; autoj does not copy that.
 *
 * <p><b>Rubric.</b> Text is inserted as given. A {@link Rubric} shows its whole {@link Rubric#text()} in
 * absolute grading and its {@link Rubric#criteriaLine()} (the first line) in relative grading, as the
 * library does with its predefined rubrics; pass {@code rubric.text()} to show a whole rubric to relative
 * grading.
 *
 * <p>Texts are filled in as Python's {@code str.format} fills them: verbatim, braces and markers included,
 * never expanded again. A text with half a UTF-16 character is refused ({@link UnencodableTextException}).
 */
public final class Prometheus {

    /** The 7B judge, a Mistral-7B-Instruct-v0.2 fine-tune; the family's default. */
    public static final String MODEL_7B = "prometheus-eval/prometheus-7b-v2.0";

    /** The 8x7B judge, a Mixtral-8x7B-Instruct fine-tune: same prompts, same reader, same tokenizer. */
    public static final String MODEL_8X7B = "prometheus-eval/prometheus-8x7b-v2.0";

    /** Prometheus 2's description: absolute (1–5) and relative (A/B), named-text requests. */
    public static final JudgeFamily FAMILY = new PrometheusFamily();

    private Prometheus() {
    }

    /** Absolute grading against a rubric text (inserted as given); {@code referenceAnswer} may be null. */
    public static PrometheusPrompt absolute(String instruction, String response, String rubric, String referenceAnswer) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("instruction", require("instruction", instruction));
        values.put("response", require("response", response));
        values.put("rubric", require("rubric", rubric));
        return build(PrometheusPrompt.Grading.ABSOLUTE, values, referenceAnswer);
    }

    /** Absolute grading against the whole {@link Rubric#text()}; {@code referenceAnswer} may be null. */
    public static PrometheusPrompt absolute(String instruction, String response, Rubric rubric, String referenceAnswer) {
        return absolute(instruction, response, Objects.requireNonNull(rubric, "rubric").text(), referenceAnswer);
    }

    /** Relative grading (response A shown first) under a rubric text (inserted as given); {@code referenceAnswer} may be null. */
    public static PrometheusPrompt relative(String instruction, String responseA, String responseB, String rubric,
            String referenceAnswer) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("instruction", require("instruction", instruction));
        values.put("response_A", require("response A", responseA));
        values.put("response_B", require("response B", responseB));
        values.put("rubric", require("rubric", rubric));
        return build(PrometheusPrompt.Grading.RELATIVE, values, referenceAnswer);
    }

    /** Relative grading under the rubric's {@link Rubric#criteriaLine()}; {@code referenceAnswer} may be null. */
    public static PrometheusPrompt relative(String instruction, String responseA, String responseB, Rubric rubric,
            String referenceAnswer) {
        return relative(instruction, responseA, responseB, Objects.requireNonNull(rubric, "rubric").criteriaLine(),
                referenceAnswer);
    }

    /** The score 1–5 of an absolute-grading output, or the reason there is none (null output included). */
    public static JudgeFamily.Reading readAbsolute(String output) {
        return OutputReader.absolute(output);
    }

    /** The verdict {@code "A"} or {@code "B"} of a relative-grading output, or the reason there is none. */
    public static JudgeFamily.Reading readRelative(String output) {
        return OutputReader.relative(output);
    }

    private static PrometheusPrompt build(PrometheusPrompt.Grading grading, Map<String, String> values, String referenceAnswer) {
        boolean absolute = grading == PrometheusPrompt.Grading.ABSOLUTE;
        String templateName;
        if (referenceAnswer != null) {
            UnencodableTextException.requireEncodable("The reference answer", referenceAnswer);
            values.put("reference_answer", referenceAnswer);
            templateName = absolute ? Templates.ABSOLUTE_PROMPT : Templates.RELATIVE_PROMPT;
        } else {
            templateName = absolute ? Templates.ABSOLUTE_PROMPT_WO_REF : Templates.RELATIVE_PROMPT_WO_REF;
        }
        String system = Templates.get(absolute ? Templates.ABS_SYSTEM_PROMPT : Templates.REL_SYSTEM_PROMPT);
        String filled = Placeholders.fill(Templates.get(templateName), values);
        String text = Templates.WRAPPER_OPEN + system + Templates.SYSTEM_SEPARATOR + filled + Templates.WRAPPER_CLOSE;
        return new PrometheusPrompt(grading, templateName, system, filled, text);
    }

    private static String require(String name, String text) {
        Objects.requireNonNull(text, () -> "The " + name + " text is null; pass \"\" for an empty " + name + ".");
        UnencodableTextException.requireEncodable("The " + name, text);
        return text;
    }
}
