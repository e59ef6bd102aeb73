package dev.autoj.engine.family.autoj;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.Prompt;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.protocol.VerdictParser;
import java.util.List;
import java.util.Locale;

/** Auto-J's facts, and its prompt builder and verdict parser behind the family's named-text requests. */
final class AutoJFamily implements JudgeFamily {

    private static final List<String> PROTOCOLS = List.of("single", "pairwise", "scenario");
    private static final List<String> READABLE = List.of("single", "pairwise");

    @Override
    public String name() {
        return "Auto-J";
    }

    @Override
    public List<String> modelIds() {
        return AutoJ.MODELS.stream().map(AutoJModel::id).toList();
    }

    @Override
    public List<String> protocols() {
        return PROTOCOLS;
    }

    @Override
    public List<String> readableProtocols() {
        return READABLE;
    }

    @Override
    public Scale scale() {
        return new Scale(1, 10);
    }

    /** The window of every released Auto-J (LLaMA-2's and Yi-6B's, 4096). */
    @Override
    public int defaultContextWindow() {
        return 4096;
    }

    @Override
    public boolean scenariosApply() {
        return true;
    }

    @Override
    public boolean ties() {
        return true;
    }

    @Override
    public Prompt gradePrompt(Judge.GradeRequest request) {
        refuseCriteria(request.rubric(), request.referenceAnswer());
        return PromptBuilder.single(request.language(), request.query(), request.response());
    }

    @Override
    public Prompt comparePrompt(Judge.CompareRequest request, boolean swapped) {
        refuseCriteria(request.rubric(), request.referenceAnswer());
        return swapped
                ? PromptBuilder.pairwise(request.language(), request.query(), request.response2(), request.response1())
                : PromptBuilder.pairwise(request.language(), request.query(), request.response1(), request.response2());
    }

    /** Auto-J's reader: the last verdict marker, skipping markers the judge quotes from the judged texts. */
    @Override
    public ParsedVerdict readOutput(Prompt prompt, String output) {
        return VerdictParser.parse(prompt, output);
    }

    /** Auto-J judges by its own per-scenario criteria and has no place for a rubric or a reference answer. */
    private static void refuseCriteria(String rubric, String referenceAnswer) {
        String given = rubric != null ? "rubric" : referenceAnswer != null ? "reference answer" : null;
        if (given != null) {
            throw new InvalidRequestException(given.replace(' ', '_'), "Auto-J takes no " + given + ": it judges by its own"
                    + " criteria for the request's scenario, so a " + given + " given to it would be silently ignored",
                    "remove the " + given + ", or judge with Prometheus 2 (set autoj.model.name to "
                    + "prometheus-eval/prometheus-7b-v2.0), which grades against your rubric and an optional reference answer");
        }
    }

    @Override
    public ModelInput prompt(Request request) {
        Prompt prompt = build(request);
        return new ModelInput(prompt.text(), prompt.warnings());
    }

    @Override
    public Reading read(Request request, String output) {
        Protocol protocol = protocol(request.protocol());
        if (protocol == Protocol.SCENARIO) {
            throw new InvalidRequestException("protocol", "the scenario classifier's output is not a verdict",
                    "read it with `autoj classify`, or use \"single\" or \"pairwise\"");
        }
        ParsedVerdict parsed = request.texts().isEmpty()
                ? VerdictParser.parse(protocol, request.language(), output)
                : VerdictParser.parse(build(request), output);
        if (parsed.isNoVerdict()) {
            return new Reading(null, null, parsed.noVerdictReason(), parsed.warnings());
        }
        return parsed.verdict() != null
                ? new Reading(parsed.verdict().name(), null, null, parsed.warnings())
                : new Reading(null, parsed.rating(), null, parsed.warnings());
    }

    private static Prompt build(Request request) {
        Language language = request.language();
        return switch (protocol(request.protocol())) {
            case SINGLE -> PromptBuilder.single(language, request.text("query"), request.text("response"));
            case PAIRWISE -> PromptBuilder.pairwise(language, request.text("query"), request.text("response_1"),
                    request.text("response_2"));
            case SCENARIO -> {
                if (language != Language.EN) {
                    throw new InvalidRequestException("language", "the scenario classifier prompt has no Chinese form",
                            "remove \"language\" from this line");
                }
                yield PromptBuilder.scenario(request.text("query"));
            }
        };
    }

    private static Protocol protocol(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "single" -> Protocol.SINGLE;
            case "pairwise" -> Protocol.PAIRWISE;
            case "scenario" -> Protocol.SCENARIO;
            default -> throw new InvalidRequestException("protocol", "unknown protocol \"" + name + "\"",
                    "use \"single\", \"pairwise\" or \"scenario\"");
        };
    }
}
