package dev.autoj.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.VerdictParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Reads the Auto-J testbed and prediction files (JSON Lines) for the meta-evaluation, with errors
 * that name the file, the line and the fix.
 *
 * <p>Formats:
 * <ul>
 *   <li>pairwise source ({@code testdata_pairwise.jsonl}): {@code "scenario"} and {@code "label"} 0 / 1 / 2;</li>
 *   <li>pairwise predictions: {@code {"output": 0}} (a label as in the testbed) or
 *       {@code {"output": "<judge text>"}} (parsed with {@link VerdictParser});</li>
 *   <li>single-response predictions: {@code {"output": "<judge text with Rating: [[n]]>"}} or a number;</li>
 *   <li>scenario source ({@code scenario_classifier_testdata.jsonl}): {@code "category"};</li>
 *   <li>scenario predictions: {@code {"scenario": "<name>"}} (must be a known name) or
 *       {@code {"output": "<classifier text>"}} (an answer that is no name counts as {@code default}).</li>
 * </ul>
 *
 * <pre>{@code
 * PairwiseReport r = TestbedFiles.evaluatePairwise(source, pred, exchange, Language.EN);
 * }</pre>
 */
public final class TestbedFiles {

    private TestbedFiles() {
    }

    /** Pairwise leaderboard from a source file and the two prediction files. */
    public static PairwiseReport evaluatePairwise(Path source, Path pred, Path exchange, Language language) {
        List<PairwiseItem> items = pairwiseItems(source);
        List<ParsedVerdict> original = pairwisePredictions(pred, language);
        List<ParsedVerdict> exchanged = pairwisePredictions(exchange, language);
        requireSameCount(source, items.size(), pred, original.size());
        requireSameCount(source, items.size(), exchange, exchanged.size());
        return PairwiseEvaluation.evaluate(items, original, exchanged);
    }

    /** Rating distribution of a file of single-response judge outputs. */
    public static RatingReport evaluateSingle(Path pred, Language language) {
        return RatingEvaluation.evaluate(singlePredictions(pred, language));
    }

    /** Classification accuracy from the classifier test set and a predictions file. */
    public static ScenarioReport evaluateScenario(Path source, Path pred) {
        List<Scenario> expected = scenarioCategories(source);
        List<ScenarioAnswer> answers = scenarioAnswers(pred);
        requireSameCount(source, expected.size(), pred, answers.size());
        return ScenarioEvaluation.evaluate(expected, answers);
    }

    /** The items of a pairwise testbed file. */
    public static List<PairwiseItem> pairwiseItems(Path source) {
        List<PairwiseItem> items = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.read(source)) {
            items.add(new PairwiseItem(line.scenario("scenario"), label(line, "label")));
        }
        return items;
    }

    /** The verdicts of a pairwise predictions file, labels or raw judge texts. */
    public static List<ParsedVerdict> pairwisePredictions(Path pred, Language language) {
        return predictions(pred, Protocol.PAIRWISE, language,
                (line, output) -> output.isIntegralNumber() ? ParsedVerdict.of(label(line, "output")) : null,
                "write a label 0 (Response 1), 1 (Response 2), 2 (Tie) or the judge's text as a string");
    }

    /** The parsed ratings of a single-response predictions file. */
    public static List<ParsedVerdict> singlePredictions(Path pred, Language language) {
        return predictions(pred, Protocol.SINGLE, language, (line, output) -> {
            if (!output.isNumber()) {
                return null;
            }
            double rating = output.asDouble();
            return rating >= 1 && rating <= 10 ? ParsedVerdict.ofRating(rating)
                    : ParsedVerdict.noVerdict("the rating " + output + " is outside the scale 1 to 10");
        }, "write the judge's text as a string (or a rating 1 to 10 as a number)");
    }

    /**
     * Each line's {@code "output"}: a judge's text read by {@code protocol}'s rules, or a number read by
     * {@code number} (null when the line's number is not one it takes); anything else fails the line with {@code fix}.
     */
    private static List<ParsedVerdict> predictions(Path pred, Protocol protocol, Language language,
                                                   BiFunction<JsonLines.Line, JsonNode, ParsedVerdict> number, String fix) {
        List<ParsedVerdict> out = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.read(pred)) {
            JsonNode output = line.require("output");
            ParsedVerdict read = output.isTextual() ? VerdictParser.parse(protocol, language, output.asText())
                    : number.apply(line, output);
            if (read == null) {
                throw line.fail("field \"output\" is " + JsonLines.describe(output), fix);
            }
            out.add(read);
        }
        return out;
    }

    /** The true categories of a scenario-classifier test file. */
    public static List<Scenario> scenarioCategories(Path source) {
        List<Scenario> out = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.read(source)) {
            out.add(line.scenario("category"));
        }
        return out;
    }

    /** The answers of a scenario predictions file. */
    public static List<ScenarioAnswer> scenarioAnswers(Path pred) {
        List<ScenarioAnswer> out = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.read(pred)) {
            if (line.node().hasNonNull("scenario")) {
                out.add(ScenarioAnswer.of(line.scenario("scenario")));
            } else if (line.node().hasNonNull("output")) {
                out.add(ScenarioAnswer.fromClassifierOutput(line.text("output")));
            } else {
                throw line.fail("neither \"scenario\" nor \"output\" is present",
                        "write {\"scenario\": \"<name>\"} or {\"output\": \"<classifier text>\"}");
            }
        }
        return out;
    }

    private static Verdict label(JsonLines.Line line, String field) {
        JsonNode value = line.require(field);
        if (!value.isIntegralNumber() || value.asInt() < 0 || value.asInt() > 2) {
            throw line.fail("field \"" + field + "\" is " + JsonLines.describe(value) + ", not a label",
                    "write 0 (Response 1), 1 (Response 2) or 2 (Tie)");
        }
        return Verdict.fromLabel(value.asInt());
    }

    private static void requireSameCount(Path source, int expected, Path pred, int actual) {
        if (expected != actual) {
            throw new InputException(pred, 0, "has " + actual + " predictions but " + source + " has " + expected + " items",
                    "write exactly one prediction line per source line, in the same order");
        }
    }
}
