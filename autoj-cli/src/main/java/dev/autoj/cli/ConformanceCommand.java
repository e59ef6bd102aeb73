package dev.autoj.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Judge;
import dev.autoj.engine.conformance.CaseResult;
import dev.autoj.engine.conformance.Conformance;
import dev.autoj.engine.conformance.ConformanceReport;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code autoj conformance}: checks that a served judge reproduces Auto-J on the golden set.
 *
 * <pre>{@code
 * int exit = Main.commandLine().execute("conformance", "--endpoint", "http://judge-1:8000");  // 0 conforms, 5 not
 * }</pre>
 */
@Command(name = "conformance",
        mixinStandardHelpOptions = true,
        description = {
            "Judges the golden set of published Auto-J-13B cases (10 pairs in both orders, 8 ratings) with a judge",
            "and compares: each pairwise verdict must match, ratings within ±1 with at least 75%% exact (docs/conformance.md).",
            "Check the model live (the default with --endpoint); with --mode record or replay, answers found in the",
            "store are counted and say nothing about the model.",
            "Exit codes: 0 the judge reproduces Auto-J (or --warn), 5 it does not, 4 the judge's servers cannot answer,",
            "2 a wrong command line."})
final class ConformanceCommand extends AutojCommand {

    @Mixin
    JudgeOptions judge;

    @Option(names = "--warn", description = "report differences but exit 0")
    boolean warn;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    void execute() {
        ConformanceReport report;
        try (Judge j = judge.buildUnchecked()) {
            report = Conformance.check(j);
        }
        if (json) {
            out().println(Json.document(json(report)));
        } else {
            Table table = new Table("Case", "Scenario", "Expected", "Got", "").leftAlign(4);
            for (CaseResult c : report.cases()) {
                table.row(c.id(), c.scenario().id(), c.expected(), c.got(), c.exact() ? "same" : c.withinTolerance() ? "close" : "DIFFERS");
            }
            out().println("Conformance of " + judge.describe() + " on the Auto-J golden set");
            out().println();
            table.print(out());
            out().println();
            out().println(report.describe());
        }
        if (!report.conforms() && !warn) {
            throw new CheckFailedException("judge does not reproduce Auto-J: " + report.differences().size() + " of "
                    + report.cases().size() + " golden cases differ beyond the tolerance (listed above); check the served"
                    + " weights, greedy decoding and that the server applies no chat template");
        }
    }

    private static ObjectNode json(ConformanceReport report) {
        ObjectNode root = Json.object();
        root.put("conforms", report.conforms());
        root.put("rating_distance", report.tolerance().ratingDistance());
        Json.putNumber(root, "min_exact_rating_share", report.tolerance().minExactRatingShare());
        Json.putNumber(root, "exact_rating_share", report.exactRatingShare());
        root.put("answered_from_store", report.answeredFromStore());
        ArrayNode cases = root.putArray("cases");
        for (CaseResult c : report.cases()) {
            ObjectNode node = cases.addObject();
            node.put("id", c.id());
            node.put("protocol", c.protocol().name().toLowerCase(Locale.ROOT));
            node.put("scenario", c.scenario().id());
            node.put("query", c.query());
            node.put("expected", c.expected());
            node.put("got", c.got());
            node.put("within_tolerance", c.withinTolerance());
            node.put("exact", c.exact());
        }
        return root;
    }
}
