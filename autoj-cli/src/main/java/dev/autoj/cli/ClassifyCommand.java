package dev.autoj.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.cli.eval.JsonLines;
import dev.autoj.engine.Classification;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code autoj classify}: the scenario of each query according to Auto-J's scenario classifier. */
@Command(name = "classify",
        mixinStandardHelpOptions = true,
        description = {
            "Classifies each query into one of Auto-J's scenarios with its scenario classifier (live, recorded or replayed).",
            "Input lines:   {\"query\":\"…\"}",
            "Output lines:  {\"query\":…,\"scenario\":\"code_generation\",\"raw\":\"<classifier text>\",\"warnings\":[…]}",
            "An answer that is no scenario name gives \"default\" and a warning."})
final class ClassifyCommand extends AutojCommand {

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "queries, JSON Lines")
    Path in;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the results (default: stdout); replaced atomically")
    Path out;

    @Mixin
    ClassifierOptions classifier;

    @Override
    void execute() {
        List<String> queries = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.read(in)) {
            String query = line.text("query");
            if (query.isBlank()) {
                throw line.fail("field \"query\" is blank", "write the user's query to classify");
            }
            queries.add(query);
        }
        List<Classification> results = classifier.classifyAll(queries);
        List<String> lines = new ArrayList<>(results.size());
        for (Classification r : results) {
            ObjectNode node = Json.object();
            node.put("query", r.query());
            node.put("scenario", r.scenario().id());
            node.put("raw", r.rawOutput());
            ArrayNode warnings = node.putArray("warnings");
            r.warnings().forEach(warnings::add);
            lines.add(Json.line(node));
        }
        Output.write(this, out, lines);
    }
}
