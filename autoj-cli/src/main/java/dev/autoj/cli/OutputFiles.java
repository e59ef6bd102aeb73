package dev.autoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autoj.cli.eval.InputException;
import dev.autoj.cli.eval.JsonLines;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.agreement.LabelledPair;
import dev.autoj.engine.agreement.LabelledResponse;
import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.protocol.ParsedVerdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A judge's outputs in a file for {@code eval agreement --pred/--exchange}, one line per labelled case:
 * {@code {"output": "<judge text>"}} read by the judge's family (Auto-J's quote-aware parser with the
 * case's texts, Prometheus 2's reader), or {@code {"output": 0|1|2}} as the Auto-J testbed's published
 * labels (pairwise) / {@code {"output": n}} a rating (single).
 */
final class OutputFiles {

    private OutputFiles() {
    }

    /**
     * The verdict of each line, as positions in the prompt the judge saw.
     *
     * @param exchanged whether the file holds the outputs with the responses exchanged (its texts are then passed swapped)
     */
    static List<ParsedVerdict> pairwise(Path file, JudgeFamily family, String protocol, List<LabelledPair> cases, boolean exchanged) {
        List<JsonLines.Line> lines = lines(file, cases.size());
        List<ParsedVerdict> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonLines.Line line = lines.get(i);
            JsonNode output = line.require("output");
            LabelledPair c = cases.get(i);
            if (output.isIntegralNumber() && output.asInt() >= 0 && output.asInt() <= 2) {
                out.add(ParsedVerdict.of(Verdict.fromLabel(output.asInt())));
            } else if (output.isTextual()) {
                JudgeFamily.Request request = new JudgeFamily.Request(protocol, c.language(), Map.of("query", c.query(),
                        "response_1", exchanged ? c.response2() : c.response1(), "response_2", exchanged ? c.response1() : c.response2()));
                out.add(read(line, family, request, output.asText()));
            } else {
                throw line.fail("field \"output\" is " + output, "write the judge's text as a string, or a label 0 (the response shown"
                        + " first), 1 (the one shown second) or 2 (tie)");
            }
        }
        return out;
    }

    /** The rating of each line. */
    static List<ParsedVerdict> single(Path file, JudgeFamily family, String protocol, List<LabelledResponse> cases) {
        List<JsonLines.Line> lines = lines(file, cases.size());
        List<ParsedVerdict> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonLines.Line line = lines.get(i);
            JsonNode output = line.require("output");
            if (output.isNumber()) {
                double rating = output.asDouble();
                out.add(family.scale().contains(rating) ? ParsedVerdict.ofRating(rating)
                        : ParsedVerdict.noVerdict("the rating " + output + " is outside " + family.name() + "'s scale " + family.scale()));
            } else if (output.isTextual()) {
                JudgeFamily.Request request = new JudgeFamily.Request(protocol, cases.get(i).language(),
                        Map.of("query", cases.get(i).query(), "response", cases.get(i).response()));
                out.add(read(line, family, request, output.asText()));
            } else {
                throw line.fail("field \"output\" is " + output, "write the judge's text as a string, or its rating as a number");
            }
        }
        return out;
    }

    private static List<JsonLines.Line> lines(Path file, int cases) {
        List<JsonLines.Line> lines = JsonLines.read(file);
        if (lines.size() != cases) {
            throw new InputException(file, 0, "has " + lines.size() + " outputs for " + cases + " labelled cases",
                    "write exactly one output line per case, in the order of the cases");
        }
        return lines;
    }

    /** The output read by the family's rules; a case the family cannot read (e.g. a language it lacks) names the line. */
    private static ParsedVerdict read(JsonLines.Line line, JudgeFamily family, JudgeFamily.Request request, String output) {
        try {
            return parsed(line, family.read(request, output));
        } catch (JudgeFamily.InvalidRequestException e) {
            throw line.fail(family.name() + " cannot read this case's output: " + e.problem(), e.fix());
        }
    }

    /** A family's reading as a verdict about positions: Auto-J's RESPONSE_1 / RESPONSE_2 / TIE, Prometheus 2's A / B. */
    private static ParsedVerdict parsed(JsonLines.Line line, JudgeFamily.Reading reading) {
        if (reading.isNoVerdict()) {
            return ParsedVerdict.noVerdict(reading.noVerdictReason());
        }
        if (reading.score() != null) {
            return ParsedVerdict.ofRating(reading.score());
        }
        return switch (reading.verdict()) {
            case "RESPONSE_1", "A" -> ParsedVerdict.of(Verdict.RESPONSE_1);
            case "RESPONSE_2", "B" -> ParsedVerdict.of(Verdict.RESPONSE_2);
            case "TIE" -> ParsedVerdict.of(Verdict.TIE);
            default -> throw line.fail("the judge's verdict \"" + reading.verdict() + "\" names no position",
                    "this family's verdicts cannot be measured against pairwise labels");
        };
    }
}
