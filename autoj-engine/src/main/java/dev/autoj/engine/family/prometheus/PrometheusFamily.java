package dev.autoj.engine.family.prometheus;

import dev.autoj.engine.Language;
import dev.autoj.engine.family.JudgeFamily;
import java.util.List;
import java.util.Locale;

/**
 * Prometheus 2's facts, and its prompts and reader behind named-text requests: {@code absolute} needs
 * {@code instruction}, {@code response} and {@code rubric}; {@code relative} needs {@code instruction},
 * {@code response_a}, {@code response_b} and {@code rubric}; both take an optional {@code reference_answer}.
 * A rubric that is exactly a predefined rubric's name ({@code "helpfulness"} …) means that rubric.
 */
final class PrometheusFamily implements JudgeFamily {

    private static final List<String> PROTOCOLS = List.of("absolute", "relative");

    @Override
    public String name() {
        return "Prometheus 2";
    }

    @Override
    public List<String> modelIds() {
        return List.of(Prometheus.MODEL_7B, Prometheus.MODEL_8X7B);
    }

    @Override
    public List<String> protocols() {
        return PROTOCOLS;
    }

    @Override
    public Scale scale() {
        return new Scale(1, 5);
    }

    /** Mistral-7B-Instruct-v0.2's (and Mixtral's) 32768 positions; not read from the fine-tunes' own config. */
    @Override
    public int defaultContextWindow() {
        return 32768;
    }

    @Override
    public boolean scenariosApply() {
        return false;
    }

    @Override
    public ModelInput prompt(Request request) {
        requireEnglish(request);
        String reference = request.optionalText("reference_answer");
        String rubric = request.text("rubric");
        PrometheusPrompt prompt = switch (grading(request.protocol())) {
            case ABSOLUTE -> {
                String instruction = request.text("instruction");
                String response = request.text("response");
                yield Rubric.predefined(rubric)
                        .map(predefined -> Prometheus.absolute(instruction, response, predefined, reference))
                        .orElseGet(() -> Prometheus.absolute(instruction, response, rubric, reference));
            }
            case RELATIVE -> {
                String instruction = request.text("instruction");
                String a = request.text("response_a");
                String b = request.text("response_b");
                yield Rubric.predefined(rubric)
                        .map(predefined -> Prometheus.relative(instruction, a, b, predefined, reference))
                        .orElseGet(() -> Prometheus.relative(instruction, a, b, rubric, reference));
            }
        };
        return new ModelInput(prompt.text(), List.of());
    }

    @Override
    public Reading read(Request request, String output) {
        requireEnglish(request);
        return switch (grading(request.protocol())) {
            case ABSOLUTE -> OutputReader.absolute(output);
            case RELATIVE -> OutputReader.relative(output);
        };
    }

    private static void requireEnglish(Request request) {
        if (request.language() != Language.EN) {
            throw new InvalidRequestException("language", "Prometheus 2's templates are English only",
                    "remove \"language\" from this line");
        }
    }

    private static PrometheusPrompt.Grading grading(String protocol) {
        return switch (protocol.trim().toLowerCase(Locale.ROOT)) {
            case "absolute" -> PrometheusPrompt.Grading.ABSOLUTE;
            case "relative" -> PrometheusPrompt.Grading.RELATIVE;
            default -> throw new InvalidRequestException("protocol", "unknown protocol \"" + protocol + "\"",
                    "use \"absolute\" or \"relative\"");
        };
    }
}
