package dev.autoj.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.cli.eval.CategoryFigures;
import dev.autoj.cli.eval.GroupFigures;
import dev.autoj.cli.eval.JsonLines;
import dev.autoj.cli.eval.NoVerdictItem;
import dev.autoj.cli.eval.PairwiseEvaluation;
import dev.autoj.cli.eval.PairwiseReport;
import dev.autoj.cli.eval.RatingEvaluation;
import dev.autoj.cli.eval.RatingReport;
import dev.autoj.cli.eval.ScenarioAnswer;
import dev.autoj.cli.eval.ScenarioEvaluation;
import dev.autoj.cli.eval.ScenarioReport;
import dev.autoj.cli.eval.TestbedFiles;
import dev.autoj.engine.Classification;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.protocol.PromptBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code autoj eval}: the meta-evaluation of a judge on the Auto-J testbed. */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        description = {"Meta-evaluation on the Auto-J testbed, computed as the Auto-J leaderboard does,",
                "and agreement of a judge with your own labelled cases (eval agreement)."},
        subcommands = {EvalCommand.Pairwise.class, EvalCommand.Single.class, EvalCommand.ScenarioAccuracy.class, EvalAgreementCommand.class})
final class EvalCommand extends GroupCommand {

    /** How many no-verdict predictions a table lists before it only counts them. */
    private static final int LISTED_NO_VERDICTS = 10;

    EvalCommand() {
        super("name what to evaluate: pairwise, single, scenario or agreement");
    }

    /** What the pairwise and single evaluations share: the judge texts' language and JSON output. */
    static final class Figures {

        @Option(names = "--language", paramLabel = "en|zh", defaultValue = "en",
                converter = Converters.LanguageName.class, description = "language of judge texts (default: ${DEFAULT-VALUE})")
        Language language;

        @Option(names = "--json", description = "print the figures as JSON")
        boolean json;
    }

    @Command(name = "pairwise",
            mixinStandardHelpOptions = true,
            description = {
                "Agreement with the human labels and consistency under position swap, per scenario group and overall.",
                "Either evaluate files of verdicts (--pred and --exchange) or run a judge on every item, in both orders",
                "(judge options: --endpoint URL for a live judge, --mode replay --store DIR for recorded judgments).",
                "Prediction lines, one per source line:",
                "  {\"output\":0|1|2}               a label as in the testbed (0 = Response 1, 1 = Response 2, 2 = Tie)",
                "  {\"output\":\"<judge text>\"}      read with Auto-J's rules; no verdict counts as a miss"})
    static final class Pairwise extends AutojCommand {

        @Option(names = "--source", required = true, paramLabel = "FILE",
                description = "the testbed, e.g. testdata_pairwise.jsonl (with judge options it needs \"prompt\", \"response 1\", \"response 2\")")
        Path source;

        @Option(names = "--pred", paramLabel = "FILE", description = "the judge's verdicts, responses in the original order")
        Path pred;

        @Option(names = "--exchange", paramLabel = "FILE", description = "the judge's verdicts with the responses exchanged, as the judge saw them")
        Path exchange;

        @Mixin
        JudgeOptions judge;

        @Mixin
        Figures figures;

        @Override
        void execute() {
            boolean judged = judgedOrFromFiles(judge, "--pred FILE --exchange FILE",
                    pred != null || exchange != null);
            if (!judged && (pred == null || exchange == null)) {
                throw usage(this, (pred == null ? "--exchange" : "--pred") + " needs " + (pred == null ? "--pred" : "--exchange")
                        + ": give the judge's verdicts in the original order (--pred) and with the responses exchanged (--exchange)");
            }
            PairwiseReport report = judged ? judgePairwise() : TestbedFiles.evaluatePairwise(source, pred, exchange, figures.language);
            if (figures.json) {
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
            if (judged) {
                out().println("  judge     " + judge.describe());
            } else {
                out().println("  pred      " + pred);
                out().println("  exchange  " + exchange);
            }
            out().println();
            table.print(out());
            out().println();
            out().println("Agreement " + Table.twoDecimals(all.agreement()) + " / consistency " + Table.twoDecimals(all.consistency())
                    + " overall; predictions without a verdict: " + report.noVerdicts().size());
            listNoVerdicts(report.noVerdicts());
        }

        /** Every item judged in both orders, measured as the leaderboard measures Auto-J. */
        private PairwiseReport judgePairwise() {
            var items = TestbedFiles.pairwiseItems(source);
            List<Judge.CompareRequest> requests = new ArrayList<>(items.size());
            for (JsonLines.Line line : JsonLines.read(source)) {
                requests.add(new Judge.CompareRequest(query(line), line.text("response 1"), line.text("response 2"),
                        line.scenario("scenario"), figures.language));
            }
            return PairwiseEvaluation.evaluateComparisons(items, EvalAgreementCommand.compareInBatches(judge, requests,
                    spec.commandLine().getErr()));
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
                "Either evaluate a file of judge outputs (--pred) or run a judge on every item of --source",
                "(judge options: --endpoint URL for a live judge, --mode replay --store DIR for recorded judgments).",
                "Prediction lines:",
                "  {\"output\":\"<judge text ending in Rating: [[n]]>\"}   or   {\"output\":n}"})
    static final class Single extends AutojCommand {

        @Option(names = "--pred", paramLabel = "FILE", description = "the judge's outputs, e.g. critique_example_output.jsonl")
        Path pred;

        @Option(names = "--source", paramLabel = "FILE",
                description = "with judge options: the items to judge, e.g. testdata_critique.jsonl (\"scenario\", \"prompt\", \"response\")")
        Path source;

        @Mixin
        JudgeOptions judge;

        @Mixin
        Figures figures;

        @Override
        void execute() {
            boolean judged = judgedOrFromFiles(judge, "--pred FILE", pred != null);
            if (judged && source == null) {
                throw usage(this, "judging needs the items: --source FILE, e.g. testdata_critique.jsonl");
            }
            if (!judged && source != null) {
                throw usage(this, "--source is read only when a judge runs; with --pred the outputs are evaluated as they are,"
                        + " so drop --source");
            }
            RatingReport report = judged ? judgeSingle() : TestbedFiles.evaluateSingle(pred, figures.language);
            if (figures.json) {
                out().println(Json.document(singleJson(report)));
                return;
            }
            int most = report.histogram().values().stream().mapToInt(Integer::intValue).max().orElse(0);
            Table table = new Table("Rating", "Count", "").leftAlign(2);
            for (Map.Entry<Double, Integer> e : report.histogram().entrySet()) {
                table.row(Table.rating(e.getKey()), e.getValue(), Table.bar(e.getValue(), most, 40));
            }
            out().println("Single-response ratings, " + report.judgments() + " judgments");
            if (judged) {
                out().println("  source  " + source);
                out().println("  judge   " + judge.describe());
            } else {
                out().println("  pred  " + pred);
            }
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

        private RatingReport judgeSingle() {
            List<Judge.GradeRequest> requests = new ArrayList<>();
            for (JsonLines.Line line : JsonLines.read(source)) {
                requests.add(new Judge.GradeRequest(query(line), line.text("response"), line.scenario("scenario"), figures.language));
            }
            List<Judgment> judgments = new ArrayList<>(requests.size());
            try (Judge j = judge.build(); Progress progress = new Progress(spec.commandLine().getErr(), "responses judged", requests.size())) {
                for (List<Judge.GradeRequest> batch : judge.batches(requests)) {
                    judgments.addAll(j.gradeAll(batch));
                    progress.advance(batch.size());
                }
            }
            return RatingEvaluation.evaluateJudgments(judgments);
        }
    }

    @Command(name = "scenario",
            mixinStandardHelpOptions = true,
            description = {
                "Accuracy of a scenario classifier, overall and per true category.",
                "Either evaluate a file of answers (--pred) or run the classifier on every query of --source",
                "(--classifier-endpoint URL live, --mode replay --store DIR recorded); the query is instruction + \" \" + input.",
                "Prediction lines, one per source line:",
                "  {\"scenario\":\"<name>\"}             a known scenario name",
                "  {\"output\":\"<classifier text>\"}    its first line; an answer that names no scenario counts as default"})
    static final class ScenarioAccuracy extends AutojCommand {

        @Option(names = "--source", required = true, paramLabel = "FILE",
                description = "the test set with \"category\" (and \"instruction\", \"input\" to run a classifier), e.g. scenario_classifier_testdata.jsonl")
        Path source;

        @Option(names = "--pred", paramLabel = "FILE", description = "the classifier's answers, one line per query")
        Path pred;

        @Mixin
        ClassifierOptions classifier;

        @Option(names = "--json", description = "print the figures as JSON")
        boolean json;

        @Override
        void execute() {
            boolean classified = judgedOrFromFiles(classifier, "--pred FILE", pred != null);
            ScenarioReport report = classified ? classifySource() : TestbedFiles.evaluateScenario(source, pred);
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
            out().println("  source      " + source);
            out().println(classified ? "  classifier  " + classifier.describe() : "  pred        " + pred);
            out().println();
            table.print(out());
            out().println();
            out().println("Accuracy " + Table.twoDecimals(report.accuracy()) + " overall; answers that named no scenario (counted as default): "
                    + report.unrecognised());
        }

        /** The judge's own decision counts: an answer it warned about became 'default' and is unrecognised. */
        private ScenarioReport classifySource() {
            List<Scenario> expected = TestbedFiles.scenarioCategories(source);
            List<String> queries = new ArrayList<>(expected.size());
            for (JsonLines.Line line : JsonLines.read(source)) {
                String query = PromptBuilder.classifierQuery(line.text("instruction"), line.text("input"));
                if (query.isBlank()) {
                    throw line.fail("\"instruction\" and \"input\" are both blank", "give the query to classify");
                }
                queries.add(query);
            }
            List<Classification> results = classifier.classifyAll(queries);
            List<ScenarioAnswer> answers = results.stream().map(r -> r.warnings().isEmpty() ? ScenarioAnswer.of(r.scenario())
                    : new ScenarioAnswer(r.scenario(), r.rawOutput())).toList();
            return ScenarioEvaluation.evaluate(expected, answers);
        }
    }

    /**
     * Whether the command runs a model (its options are given) rather than reading answers from files,
     * refusing both at once and neither.
     */
    private static boolean judgedOrFromFiles(RunOptions options, String files, boolean filesGiven) {
        boolean run = options.anyGiven();
        if (run && filesGiven) {
            throw options.usage(files + " evaluates answers already in files, while the model options run a model;"
                    + " give one or the other");
        }
        if (!run && !filesGiven) {
            throw options.usage("give the answers to evaluate (" + files + "), or model options to produce them: an endpoint"
                    + " for a live run, or --mode replay --store DIR for recorded judgments");
        }
        return run;
    }

    private static ParameterException usage(AutojCommand command, String message) {
        return new ParameterException(command.spec.commandLine(), message);
    }

    /** A testbed item's query ({@code "prompt"} in the Auto-J files). */
    private static String query(JsonLines.Line line) {
        String query = line.text("prompt");
        if (query.isBlank()) {
            throw line.fail("field \"prompt\" is blank", "give the user's query the responses answer");
        }
        return query;
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
