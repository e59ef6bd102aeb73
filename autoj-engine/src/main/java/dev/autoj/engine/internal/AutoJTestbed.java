package dev.autoj.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the published Auto-J testbed (GAIR-NLP/auto-j): the pairwise items with Auto-J-13B's
 * verdict labels in both orders, and the single-response items with its real critiques. Not API.
 */
public final class AutoJTestbed {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One pairwise testbed item and Auto-J-13B's published verdicts.
     *
     * @param human the human label
     * @param original Auto-J's verdict with response 1 shown first
     * @param exchanged Auto-J's verdict with response 2 shown first, as positions in that prompt
     */
    public record PairwiseItem(int index, Scenario scenario, String query, String response1, String response2,
                               Verdict human, Verdict original, Verdict exchanged) {
    }

    /** One single-response testbed item and Auto-J-13B's published judgment text. */
    public record SingleItem(int index, Scenario scenario, String query, String response, String output) {
    }

    private AutoJTestbed() {
    }

    /** The 1392 pairwise items of {@code testdata_pairwise.jsonl} with both published output files. */
    public static List<PairwiseItem> pairwise(Path testbed) {
        List<JsonNode> items = read(testbed.resolve("testdata_pairwise.jsonl"));
        List<JsonNode> original = read(testbed.resolve("pairwise_example_output.jsonl"));
        List<JsonNode> exchanged = read(testbed.resolve("pairwise_exchange_example_output.jsonl"));
        sameSize(testbed, "testdata_pairwise.jsonl", items, "pairwise_example_output.jsonl", original);
        sameSize(testbed, "testdata_pairwise.jsonl", items, "pairwise_exchange_example_output.jsonl", exchanged);
        List<PairwiseItem> result = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            result.add(new PairwiseItem(i, Scenario.byName(text(item, "scenario", i)), text(item, "prompt", i),
                    text(item, "response 1", i), text(item, "response 2", i),
                    Verdict.fromLabel(label(item, "label", i)), Verdict.fromLabel(label(original.get(i), "output", i)),
                    Verdict.fromLabel(label(exchanged.get(i), "output", i))));
        }
        return result;
    }

    /** The 232 single-response items of {@code testdata_critique.jsonl} with {@code critique_example_output.jsonl}. */
    public static List<SingleItem> single(Path testbed) {
        List<JsonNode> items = read(testbed.resolve("testdata_critique.jsonl"));
        List<JsonNode> outputs = read(testbed.resolve("critique_example_output.jsonl"));
        sameSize(testbed, "testdata_critique.jsonl", items, "critique_example_output.jsonl", outputs);
        List<SingleItem> result = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            result.add(new SingleItem(i, Scenario.byName(text(item, "scenario", i)), text(item, "prompt", i),
                    text(item, "response", i), text(outputs.get(i), "output", i)));
        }
        return result;
    }

    private static List<JsonNode> read(Path file) {
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new IllegalArgumentException(file + " line " + number + " is not valid JSON: " + e.getMessage(), e);
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("The Auto-J testbed file " + file + " is missing; point --testbed at the folder"
                    + " holding testdata_pairwise.jsonl and the published outputs", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return lines;
    }

    private static void sameSize(Path dir, String a, List<JsonNode> x, String b, List<JsonNode> y) {
        if (x.size() != y.size()) {
            throw new IllegalArgumentException("In " + dir + ", " + a + " has " + x.size() + " records but " + b + " has "
                    + y.size() + "; the published outputs must match the testbed line by line");
        }
    }

    private static String text(JsonNode node, String field, int index) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("Testbed record " + index + " has no text field \"" + field + "\"");
        }
        return value.textValue();
    }

    private static int label(JsonNode node, String field, int index) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new IllegalArgumentException("Testbed record " + index + " has no integer field \"" + field + "\"");
        }
        return value.intValue();
    }
}
