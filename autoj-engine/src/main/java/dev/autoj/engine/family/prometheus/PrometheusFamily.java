package dev.autoj.engine.family.prometheus;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.Prompt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
    public boolean ties() {
        return false;
    }

    @Override
    public Prompt gradePrompt(Judge.GradeRequest request) {
        requireEnglish(request.language());
        String rubric = Rubric.predefined(requireRubric(request.rubric())).map(Rubric::text).orElse(request.rubric());
        PrometheusPrompt prompt = Prometheus.absolute(request.query(), request.response(), rubric, request.referenceAnswer());
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("instruction", request.query());
        texts.put("response", request.response());
        return pipelinePrompt(Protocol.SINGLE, prompt, texts, rubric, request.referenceAnswer());
    }

    @Override
    public Prompt comparePrompt(Judge.CompareRequest request, boolean swapped) {
        requireEnglish(request.language());
        String rubric = Rubric.predefined(requireRubric(request.rubric())).map(Rubric::criteriaLine).orElse(request.rubric());
        String a = swapped ? request.response2() : request.response1();
        String b = swapped ? request.response1() : request.response2();
        PrometheusPrompt prompt = Prometheus.relative(request.query(), a, b, rubric, request.referenceAnswer());
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("instruction", request.query());
        texts.put("response A", a);
        texts.put("response B", b);
        return pipelinePrompt(Protocol.PAIRWISE, prompt, texts, rubric, request.referenceAnswer());
    }

    /**
     * The library's reader ({@link OutputReader}); response A is {@link Verdict#RESPONSE_1}. It does not skip
     * markers quoted from the judged texts as Auto-J's reader does: its score marker must end the output and its
     * letter must end a line, so a marker quoted inside the feedback does not count anyway; a judged text that could
     * be read as a verdict is named in the prompt's warnings instead (see docs/prometheus.md).
     */
    @Override
    public ParsedVerdict readOutput(Prompt prompt, String output) {
        Reading reading = prompt.protocol() == Protocol.PAIRWISE ? OutputReader.relative(output) : OutputReader.absolute(output);
        if (reading.isNoVerdict()) {
            return ParsedVerdict.noVerdict(reading.noVerdictReason());
        }
        return reading.score() != null ? ParsedVerdict.ofRating(reading.score())
                : ParsedVerdict.of("A".equals(reading.verdict()) ? Verdict.RESPONSE_1 : Verdict.RESPONSE_2);
    }

    private static Prompt pipelinePrompt(Protocol protocol, PrometheusPrompt prompt, Map<String, String> texts, String rubric,
            String referenceAnswer) {
        List<String> warnings = new ArrayList<>();
        Map<String, String> judged = new LinkedHashMap<>(texts);
        judged.put("rubric", rubric);
        if (referenceAnswer != null) {
            judged.put("reference answer", referenceAnswer);
        }
        judged.forEach((name, text) -> {
            if (!name.equals("instruction") && !name.equals("rubric")
                    && (!OutputReader.absolute(text).isNoVerdict() || !OutputReader.relative(text).isNoVerdict())) {
                warnings.add("The " + name + " holds text that Prometheus 2's reader would read as a verdict (a score marker"
                        + " at its end, or a line ending \"[RESULT] A\" or \"B\"): should the judge repeat it as the last"
                        + " thing it writes, it would be read as the judge's own, as the prometheus-eval library reads it.");
            }
        });
        return new Prompt(protocol, Language.EN, prompt.text(), warnings, judged);
    }

    private static String requireRubric(String rubric) {
        if (rubric == null) {
            throw new InvalidRequestException("rubric", "Prometheus 2 grades against a rubric, and this request has none",
                    "give one: withRubric(..) on the assertion or the request (text, a Rubric, or a predefined rubric's name: "
                    + String.join(", ", Rubric.predefinedNames()) + "), or \"rubric\" in a request line");
        }
        return rubric;
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

    private static void requireEnglish(Language language) {
        if (language != Language.EN) {
            throw new InvalidRequestException("language", "Prometheus 2's templates are English only",
                    "judge English requests with it (drop inLanguage(ZH)); Auto-J's Chinese protocols belong to"
                    + " GAIR/autoj-bilingual-6b");
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
