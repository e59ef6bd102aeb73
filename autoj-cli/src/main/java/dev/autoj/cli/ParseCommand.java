package dev.autoj.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.cli.eval.JsonLines;
import dev.autoj.engine.Language;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.family.JudgeFamily;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code autoj parse}: the verdict or score in each judge output, by the rules of the judge's family. */
@Command(name = "parse",
        mixinStandardHelpOptions = true,
        description = {
            "Reads the verdict or the score out of each judge output, as the judge family's own code reads it.",
            "Input lines: {\"output\":\"<judge text>\"} (null: the judge returned nothing)",
            "Output lines, Auto-J (single|pairwise): {\"verdict\":\"RESPONSE_1\"|\"RESPONSE_2\"|\"TIE\"|null,\"rating\":n|null,\"no_verdict\":\"<reason>\"|null}",
            "Output lines, Prometheus 2 (absolute|relative): {\"score\":n|null,\"verdict\":\"A\"|\"B\"|null,\"no_verdict\":\"<reason>\"|null}"})
final class ParseCommand extends AutojCommand {

    @Mixin
    FamilyOption model;

    @Option(names = "--protocol", required = true, paramLabel = "PROTOCOL",
            description = "what the judge was asked: single or pairwise (Auto-J), absolute or relative (Prometheus 2)")
    String protocol;

    @Option(names = "--language", paramLabel = "en|zh", converter = Converters.LanguageName.class,
            description = "template language of the judge (Auto-J only; default: en)")
    Language language;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "judge outputs, JSON Lines")
    Path in;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the results (default: stdout); replaced atomically")
    Path out;

    @Override
    void execute() {
        JudgeFamily.Request request = request();
        List<String> lines = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.read(in)) {
            // An explicit null is a judge that returned nothing; a missing field is a broken line.
            String output = line.node().has("output") ? line.optionalText("output") : line.text("output");
            JudgeFamily.Reading reading = model.family.read(request, output);
            ObjectNode result = Json.object();
            if (model.family == JudgeFamilies.AUTOJ) {
                // Auto-J's lines keep the shape they had before there were families.
                result.put("verdict", reading.verdict());
                Json.putNumber(result, "rating", reading.score());
            } else {
                Json.putNumber(result, "score", reading.score());
                result.put("verdict", reading.verdict());
            }
            result.put("no_verdict", reading.noVerdictReason());
            lines.add(Json.line(result));
        }
        Output.write(this, out, lines);
    }

    /** The options as a request the family accepts, checked before any line is read. */
    private JudgeFamily.Request request() {
        String name = protocol.trim().toLowerCase(Locale.ROOT);
        if (!model.family.readableProtocols().contains(name)) {
            String other = JudgeFamilies.all().stream()
                    .filter(f -> f.readableProtocols().contains(name))
                    .map(f -> " (" + name + " is " + f.name() + "'s: add --model-name " + f.defaultModelId() + ")")
                    .findFirst().orElse("");
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--protocol': unknown protocol '"
                    + protocol + "'; use " + String.join(" or ", model.family.readableProtocols()) + other);
        }
        JudgeFamily.Request request = new JudgeFamily.Request(name, language == null ? Language.EN : language, Map.of());
        try {
            model.family.read(request, null);
        } catch (JudgeFamily.InvalidRequestException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--" + e.field() + "': " + e.problem()
                    + " (" + model.family.name() + ")");
        }
        return request;
    }
}
