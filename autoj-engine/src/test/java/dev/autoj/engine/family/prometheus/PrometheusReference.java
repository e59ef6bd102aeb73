package dev.autoj.engine.family.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.SharedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Prometheus 2 reference data of {@code ../shared/prometheus}, produced by running the prometheus-eval
 * library's own code: 41 requests with the model input the library builds (and its Mistral token ids), and
 * 40 judge outputs with what the library reads from them. A test that calls this is skipped when the data
 * is absent.
 */
public final class PrometheusReference {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PrometheusReference() {
    }

    /**
     * One reference request and what the library made of it.
     *
     * @param rubricSource {@code predefined:<name>}, {@code custom:SCORE_RUBRIC_TEMPLATE}, {@code custom:free-form}
     *     or {@code custom:criteria-only}
     * @param filledTemplate the file's {@code instruction} field: the template filled
     */
    public record Prompt(String id, String mode, String template, String instruction, String response, String responseA,
            String responseB, String rubric, String rubricSource, String referenceAnswer, String system,
            String filledTemplate, String text, int[] tokenIds, int tokenCount) {

        public boolean absolute() {
            return mode.equals("absolute");
        }

        /** The predefined rubric's name, or null when the rubric is the caller's own. */
        public String predefinedRubric() {
            return rubricSource.startsWith("predefined:") ? rubricSource.substring("predefined:".length()) : null;
        }
    }

    /** One judge output and what the library read from it ({@code result} null when it read nothing). */
    public record ParserCase(String id, String mode, String output, JsonNode result, boolean parsed, String note) {
    }

    /** Every line of {@code reference_prompts.jsonl}, in order. */
    public static List<Prompt> prompts() {
        List<Prompt> prompts = new ArrayList<>();
        for (JsonNode line : lines(SharedFiles.prometheus("reference_prompts.jsonl"))) {
            JsonNode r = line.path("request");
            JsonNode ids = line.path("token_ids");
            int[] tokenIds = new int[ids.size()];
            for (int i = 0; i < tokenIds.length; i++) {
                tokenIds[i] = ids.get(i).intValue();
            }
            prompts.add(new Prompt(r.path("id").textValue(), r.path("mode").textValue(), r.path("template").textValue(),
                    r.path("instruction").textValue(), r.path("response").textValue(), r.path("response_A").textValue(),
                    r.path("response_B").textValue(), r.path("rubric").textValue(), r.path("rubric_source").textValue(),
                    r.path("reference_answer").textValue(), line.path("system").textValue(),
                    line.path("instruction").textValue(), line.path("text").textValue(), tokenIds,
                    line.path("token_count").intValue()));
        }
        return prompts;
    }

    /** Every line of {@code parser_cases.jsonl}, in order. */
    public static List<ParserCase> parserCases() {
        List<ParserCase> cases = new ArrayList<>();
        for (JsonNode line : lines(SharedFiles.prometheus("parser_cases.jsonl"))) {
            cases.add(new ParserCase(line.path("id").textValue(), line.path("mode").textValue(), line.path("output").textValue(),
                    line.path("result"), line.path("parsed").booleanValue(), line.path("note").textValue()));
        }
        return cases;
    }

    private static List<JsonNode> lines(Path file) {
        try {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    nodes.add(JSON.readTree(line));
                }
            }
            return nodes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
