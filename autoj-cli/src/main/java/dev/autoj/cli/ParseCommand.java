package dev.autoj.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.cli.eval.JsonLines;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.VerdictParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code autoj parse}: the verdict or rating in each judge output, by Auto-J's rules. */
@Command(name = "parse",
        mixinStandardHelpOptions = true,
        description = {
            "Reads the verdict (pairwise) or rating (single) out of each judge output.",
            "Input lines: {\"output\":\"<judge text>\"}",
            "Output lines: {\"verdict\":\"RESPONSE_1\"|\"RESPONSE_2\"|\"TIE\"|null,\"rating\":n|null,\"no_verdict\":\"<reason>\"|null}"})
final class ParseCommand extends AutojCommand {

    @Option(names = "--protocol", required = true, paramLabel = "single|pairwise",
            converter = Converters.JudgeProtocol.class, description = "what the judge was asked")
    Protocol protocol;

    @Option(names = "--language", paramLabel = "en|zh", defaultValue = "en",
            converter = Converters.LanguageName.class, description = "template language of the judge (default: ${DEFAULT-VALUE})")
    Language language;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "judge outputs, JSON Lines")
    Path in;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the results (default: stdout); replaced atomically")
    Path out;

    @Override
    void execute() {
        List<String> lines = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.read(in)) {
            ParsedVerdict parsed = VerdictParser.parse(protocol, language, line.text("output"));
            ObjectNode result = Json.object();
            if (parsed.verdict() == null) {
                result.putNull("verdict");
            } else {
                result.put("verdict", parsed.verdict().name());
            }
            Json.putNumber(result, "rating", parsed.rating());
            result.put("no_verdict", parsed.noVerdictReason());
            lines.add(Json.line(result));
        }
        Output.write(this, out, lines);
    }
}
