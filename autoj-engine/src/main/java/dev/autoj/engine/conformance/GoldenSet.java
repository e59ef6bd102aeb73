package dev.autoj.engine.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The published Auto-J cases the conformance check replays, read from the engine's own resource
 * {@code golden-set.json} (no testbed needed at run time).
 */
record GoldenSet(List<Pair> pairs, List<Single> singles) {

    static final String RESOURCE = "golden-set.json";
    static final String FORMAT = "autoj-golden/1";

    /**
     * A pairwise testbed item with Auto-J-13B's published verdict in each order.
     *
     * @param line 1-based line in testdata_pairwise.jsonl
     * @param original the verdict with response 1 shown first
     * @param swapped the verdict with response 2 shown first, as positions in that prompt
     */
    record Pair(int line, Scenario scenario, String query, String response1, String response2, Verdict original,
                Verdict swapped) {
    }

    /**
     * A single-response testbed item with Auto-J-13B's published judgment.
     *
     * @param line 1-based line in testdata_critique.jsonl
     * @param rating the rating of the published judgment
     * @param output the published judgment text (critique and rating)
     */
    record Single(int line, Scenario scenario, String query, String response, int rating, String output) {
    }

    GoldenSet {
        pairs = List.copyOf(pairs);
        singles = List.copyOf(singles);
    }

    /** The shipped golden set; a missing or damaged resource is a broken build, reported as such. */
    static GoldenSet load() {
        try (InputStream in = GoldenSet.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The conformance golden set " + GoldenSet.class.getPackageName().replace('.', '/')
                        + "/" + RESOURCE + " is missing from the autoj-engine jar; the build is broken, rebuild autoj-engine");
            }
            return parse(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the conformance golden set " + RESOURCE + " from autoj-engine", e);
        }
    }

    static GoldenSet parse(JsonNode root) {
        if (!FORMAT.equals(root.path("format").asText())) {
            throw damaged("format is '" + root.path("format").asText() + "', expected " + FORMAT);
        }
        List<Pair> pairs = new ArrayList<>();
        for (JsonNode n : root.path("pairwise")) {
            pairs.add(new Pair(n.path("line").asInt(), Scenario.byName(text(n, "scenario")), text(n, "query"),
                    text(n, "response_1"), text(n, "response_2"), Verdict.valueOf(text(n, "original")),
                    Verdict.valueOf(text(n, "swapped"))));
        }
        List<Single> singles = new ArrayList<>();
        for (JsonNode n : root.path("single")) {
            int rating = n.path("rating").asInt();
            if (rating < 1 || rating > 10) {
                throw damaged("single line " + n.path("line").asInt() + " has no rating from 1 to 10");
            }
            singles.add(new Single(n.path("line").asInt(), Scenario.byName(text(n, "scenario")), text(n, "query"),
                    text(n, "response"), rating, text(n, "output")));
        }
        if (pairs.isEmpty() || singles.isEmpty()) {
            throw damaged("it holds " + pairs.size() + " pairwise and " + singles.size() + " single cases");
        }
        return new GoldenSet(pairs, singles);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw damaged("a case has no text field \"" + field + "\"");
        }
        return value.textValue();
    }

    private static IllegalStateException damaged(String problem) {
        return new IllegalStateException("The conformance golden set " + RESOURCE + " in autoj-engine is damaged: " + problem
                + "; regenerate it with GoldenSetGenerator (see docs/conformance.md)");
    }
}
