package dev.autoj.engine.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Language;
import dev.autoj.engine.eval.CategoryFigures;
import dev.autoj.engine.eval.GroupFigures;
import dev.autoj.engine.eval.NoVerdictItem;
import dev.autoj.engine.eval.PairwiseReport;
import dev.autoj.engine.eval.RatingReport;
import dev.autoj.engine.eval.ScenarioReport;
import dev.autoj.engine.eval.TestbedFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code autoj eval}: the meta-evaluation of a judge on the Auto-J testbed. */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        description = "Meta-evaluation on the Auto-J testbed, computed as the Auto-J leaderboard does.",
        subcommands = {EvalCommand.Pairwise.class, EvalCommand.Single.class, EvalCommand.ScenarioAccuracy.class})
final class EvalCommand implements Callable<Integer> {

    /** How many no-verdict predictions a table lists before it only counts them. */
    private static final int LISTED_NO_VERDICTS = 10;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "name what to evaluate: pairwise, single or scenario");
    }

    @Command(name = "pairwise",
            mixinStandardHelpOptions = true,
            description = {
                "Agreement with the human labels and consistency under position swap, per scenario group and overall.",
                "Prediction lines, one per source line:",
                "  {\"output\":0|1|2}               a label as in the testbed (0 = Response 1, 1 = Response 2, 2 = Tie)",
                "  {\"output\":\"<judge text>\"}      read with Auto-J's rules; no verdict counts as a miss"})
    static final class Pairwise extends AutojCommand {

        @Option(names = "--source", required = true, paramLabel = "FILE", description = "the testbed, e.g. testdata_pairwise.jsonl")
        Path source;

        @Option(names = "--pred", required = true, paramLabel = "FILE", description = "the judge's verdicts, responses in the original order")
        Path pred;

        @Option(names = "--exchange", required = true, paramLabel = "FILE", description = "the judge's verdicts with the responses exchanged, as the judge saw them")
        Path exchange;

        @Option(names = "--language", paramLabel = "en|zh", defaultValue = "en",
                converter = Converters.LanguageName.class, description = "language of judge texts (default: ${DEFAULT-VALUE})")
        Language language;

        @Option(names = "--json", description = "print the figures as JSON")
        boolean json;

        @Override
        void execute() {
            PairwiseReport report = TestbedFiles.evaluatePairwise(source, pred, exchange, language);
            if (json) {
                out().println(Json.document(pairwiseJson(report)));
                return;
            }
            Table table = new Table("Group", "Items", "Agreement", "Consistency");
            for (GroupFigures g : report.groups()) {
                table.row(g.group(), g.items(), Table.twoDecimals(g.agreement()), Table.twoDecimals(g.consistency()));
            }
            table.rule();
            GroupFigures all = report.overall();
            table.row(all.group(), all.items(), Table.twoDecimals(all.agreement()), Table.twoDecimals(all.consistency()));
            out().println("Pairwise meta-evaluation, " + all.items() + " items");
            out().println("  source    " + source);
            out().println("  pred      " + pred);
            out().println("  exchange  " + exchange);
            out().println();
            table.print(out());
            out().println();
            out().println("Agreement " + Table.twoDecimals(all.agreement()) + " / consistency " + Table.twoDecimals(all.consistency())
                    + " overall; predictions without a verdict: " + report.noVerdicts().size());
            listNoVerdicts(report.noVerdicts());
        }

        private void listNoVerdicts(List<NoVerdictItem> noVerdicts) {
            noVerdicts.stream().limit(LISTED_NO_VERDICTS).forEach(nv -> out().println("  item " + (nv.index() + 1)
                    + ", " + nv.order() + " order: " + nv.reason()));
            if (noVerdicts.size() > LISTED_NO_VERDICTS) {
                out().println("  … and " + (noVerdicts.size() - LISTED_NO_VERDICTS) + " more (all are in --json)");
            }
        }
    }

    @Command(name = "single",
            mixinStandardHelpOptions = true,
            description = {
                "Rating distribution and no-verdict count of single-response judgments.",
                "Prediction lines:",
                "  {\"output\":\"<judge text ending in Rating: [[n]]>\"}   or   {\"output\":n}"})
    static final class Single extends AutojCommand {

        @Option(names = "--pred", required = true, paramLabel = "FILE", description = "the judge's outputs, e.g. critique_example_output.jsonl")
        Path pred;

        @Option(names = "--language", paramLabel = "en|zh", defaultValue = "en",
                converter = Converters.LanguageName.class, description = "language of judge texts (default: ${DEFAULT-VALUE})")
        Language language;

        @Option(names = "--json", description = "print the figures as JSON")
        boolean json;

        @Override
        void execute() {
            RatingReport report = TestbedFiles.evaluateSingle(pred, language);
            if (json) {
                out().println(Json.document(singleJson(report)));
                return;
            }
            int most = report.histogram().values().stream().mapToInt(Integer::intValue).max().orElse(0);
            Table table = new Table("Rating", "Count", "").leftAlign(2);
            for (Map.Entry<Double, Integer> e : report.histogram().entrySet()) {
                table.row(Table.rating(e.getKey()), e.getValue(), Table.bar(e.getValue(), most, 40));
            }
            out().println("Single-response ratings, " + report.judgments() + " judgments");
            out().println("  pred  " + pred);
            out().println();
            table.print(out());
            out().println();
            out().println("Rated " + report.rated() + ", mean " + (report.rated() == 0 ? "-" : Table.twoDecimals(report.mean()))
                    + "; outputs without a rating: " + report.noVerdicts().size());
            report.noVerdicts().stream().limit(LISTED_NO_VERDICTS).forEach(nv ->
                    out().println("  item " + (nv.index() + 1) + ": " + nv.reason()));
            if (report.noVerdicts().size() > LISTED_NO_VERDICTS) {
                out().println("  … and " + (report.noVerdicts().size() - LISTED_NO_VERDICTS) + " more (all are in --json)");
            }
        }
    }

    @Command(name = "scenario",
            mixinStandardHelpOptions = true,
            description = {
                "Accuracy of a scenario classifier, overall and per true category.",
                "Prediction lines, one per source line:",
                "  {\"scenario\":\"<name>\"}             a known scenario name",
                "  {\"output\":\"<classifier text>\"}    its first line; an answer that names no scenario counts as default"})
    static final class ScenarioAccuracy extends AutojCommand {

        @Option(names = "--source", required = true, paramLabel = "FILE", description = "the test set with \"category\", e.g. scenario_classifier_testdata.jsonl")
        Path source;

        @Option(names = "--pred", required = true, paramLabel = "FILE", description = "the classifier's answers, one line per query")
        Path pred;

        @Option(names = "--json", description = "print the figures as JSON")
        boolean json;

        @Override
        void execute() {
            ScenarioReport report = TestbedFiles.evaluateScenario(source, pred);
            if (json) {
                out().println(Json.document(scenarioJson(report)));
                return;
            }
            Table table = new Table("Category", "Queries", "Correct", "Accuracy");
            for (CategoryFigures c : report.categories()) {
                table.row(c.category().id(), c.items(), c.correct(), Table.twoDecimals(c.accuracy()));
            }
            table.rule();
            table.row("Overall", report.items(), report.correct(), Table.twoDecimals(report.accuracy()));
            out().println("Scenario classification, " + report.items() + " queries");
            out().println("  source  " + source);
            out().println("  pred    " + pred);
            out().println();
            table.print(out());
            out().println();
            out().println("Accuracy " + Table.twoDecimals(report.accuracy()) + " overall; answers that named no scenario (counted as default): "
                    + report.unrecognised());
        }
    }

    static ObjectNode pairwiseJson(PairwiseReport report) {
        ObjectNode root = Json.object();
        ArrayNode groups = root.putArray("groups");
        report.groups().forEach(g -> groups.add(figures(g)));
        root.set("overall", figures(report.overall()));
        ArrayNode noVerdicts = root.putArray("no_verdicts");
        for (NoVerdictItem nv : report.noVerdicts()) {
            ObjectNode item = noVerdicts.addObject();
            item.put("item", nv.index() + 1);
            item.put("order", nv.order());
            item.put("reason", nv.reason());
        }
        return root;
    }

    private static ObjectNode figures(GroupFigures g) {
        ObjectNode node = Json.object();
        node.put("group", g.group());
        node.put("items", g.items());
        node.put("agreeing", g.agreeing());
        node.put("consistent", g.consistent());
        Json.putNumber(node, "agreement", g.agreement());
        Json.putNumber(node, "consistency", g.consistency());
        return node;
    }

    static ObjectNode singleJson(RatingReport report) {
        ObjectNode root = Json.object();
        root.put("judgments", report.judgments());
        root.put("rated", report.rated());
        Json.putNumber(root, "mean", report.rated() == 0 ? null : report.mean());
        ObjectNode histogram = root.putObject("histogram");
        report.histogram().forEach((rating, count) -> histogram.put(Table.rating(rating), count));
        ArrayNode noVerdicts = root.putArray("no_verdicts");
        for (NoVerdictItem nv : report.noVerdicts()) {
            ObjectNode item = noVerdicts.addObject();
            item.put("item", nv.index() + 1);
            item.put("reason", nv.reason());
        }
        return root;
    }

    static ObjectNode scenarioJson(ScenarioReport report) {
        ObjectNode root = Json.object();
        root.put("items", report.items());
        root.put("correct", report.correct());
        Json.putNumber(root, "accuracy", report.accuracy());
        root.put("unrecognised", report.unrecognised());
        ArrayNode categories = root.putArray("categories");
        for (CategoryFigures c : report.categories()) {
            ObjectNode node = categories.addObject();
            node.put("category", c.category().id());
            node.put("items", c.items());
            node.put("correct", c.correct());
            Json.putNumber(node, "accuracy", c.accuracy());
        }
        return root;
    }
}
