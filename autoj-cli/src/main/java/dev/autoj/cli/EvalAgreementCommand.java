package dev.autoj.cli;

import dev.autoj.cli.eval.InputException;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.agreement.LabelledCases;
import dev.autoj.engine.agreement.LabelledResponse;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.agreement.PairwiseAgreement;
import dev.autoj.engine.agreement.PairwiseAgreementReport;
import dev.autoj.engine.agreement.SingleAgreement;
import dev.autoj.engine.agreement.SingleAgreementReport;
import dev.autoj.engine.protocol.ParsedVerdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code autoj eval agreement}: how well one judge agrees with the team's own labels. Runs the judge
 * (live, recorded or replayed; {@code --model-name} picks it) on every labelled case and prints the
 * engine's agreement report ({@link PairwiseAgreement}, {@link SingleAgreement}).
 */
@Command(name = "agreement",
        mixinStandardHelpOptions = true,
        description = {
            "Agreement of one judge with human labels: raw agreement with its 95%% Wilson interval, Cohen's kappa,",
            "consistency under position swap (pairwise), per scenario group and tag, and the confusion table.",
            "The judge runs on every case (judge options: --endpoint URL live, --mode replay --store DIR recorded;",
            "--model-name picks the judge, so run once per judge to compare them).",
            "Case lines (docs/which-judge.md):",
            "  {\"query\":…,\"response_1\":…,\"response_2\":…,\"label\":1|2|\"tie\",\"scenario\":…,\"tags\":[…],\"id\":…}",
            "  {\"query\":…,\"response\":…,\"score\":7,\"tags\":[…],\"id\":…}",
            "The Auto-J pairwise testbed (testdata_pairwise.jsonl) is read as it is, its labels being the human labels.",
            "Instead of running a judge, --pred FILE [--exchange FILE] measures its outputs, read by --model-name's family."})
final class EvalAgreementCommand extends AutojCommand {

    @Option(names = "--cases", required = true, paramLabel = "FILE", description = "the labelled cases (JSON Lines)")
    Path casesFile;

    @Option(names = "--pred", paramLabel = "FILE",
            description = "instead of running a judge: its outputs, one line per case, {\"output\":\"<judge text>\"} read by"
                    + " --model-name's family (Auto-J, Prometheus 2) or {\"output\":0|1|2} as the Auto-J testbed's labels")
    Path pred;

    @Option(names = "--exchange", paramLabel = "FILE",
            description = "with --pred, pairwise: the outputs with the responses exchanged, as the judge saw them")
    Path exchange;

    @Option(names = "--tolerance", paramLabel = "N", defaultValue = "1",
            description = "single-response cases: a rating within ±N of the human score agrees (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--rubric", paramLabel = "NAME|TEXT",
            description = "a judge that grades against a rubric (Prometheus 2): the rubric every case is judged by, one of"
                    + " helpfulness, harmlessness, honesty, factual_validity, reasoning, or the rubric's own text")
    String rubric;

    @Option(names = "--reference-answer", paramLabel = "TEXT",
            description = "with --rubric: a reference answer every case is judged against (Prometheus 2's optional input)")
    String referenceAnswer;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Mixin
    JudgeOptions judge;

    @Override
    void execute() {
        boolean files = pred != null || exchange != null;
        boolean run = judge.anyGivenBut("--model-name");
        if (files && run) {
            throw judge.usage("--pred/--exchange measure outputs already in files, while the judge options run a judge; give one or the other");
        }
        if (!files && !run) {
            throw judge.usage("name the judge to measure: --endpoint URL for a live judge, or --mode replay --store DIR for"
                    + " recorded judgments (with --model-name NAME for a judge other than " + judge.modelName + "), or its outputs:"
                    + " --pred FILE [--exchange FILE]");
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw judge.usage("--tolerance is a number of scale points, 0 or more, not " + tolerance);
        }
        if (!files) {
            requireTheFamilysInputs(JudgeFamilies.judging(judge.modelName));
        } else if (rubric != null || referenceAnswer != null) {
            throw judge.usage("--rubric and --reference-answer are what a judge is asked; with --pred the outputs are already"
                    + " written, so drop them");
        }
        LabelledCases cases = LabelledCases.read(casesFile);
        requireScoresOnTheScale(cases);
        if (files) {
            fromFiles(cases);
        } else if (cases.isPairwise()) {
            PairwiseAgreementReport report = PairwiseAgreement.evaluate(cases.pairs(),
                    compareInBatches(judge, cases.compareRequests().stream().map(this::withRubric).toList(),
                            spec.commandLine().getErr()));
            print(report.toText(), report.toJson());
        } else {
            List<Judgment> judgments = new ArrayList<>();
            try (Judge j = judge.build(); Progress progress = new Progress(spec.commandLine().getErr(), "responses judged", cases.size())) {
                for (List<Judge.GradeRequest> batch : judge.batches(cases.gradeRequests().stream().map(this::withRubric).toList())) {
                    judgments.addAll(j.gradeAll(batch));
                    progress.advance(batch.size());
                }
            }
            SingleAgreementReport report = SingleAgreement.evaluate(cases.responses(), judgments, tolerance);
            print(report.toText(), report.toJson());
        }
    }

    /** The outputs in --pred (and --exchange), read by the family of --model-name, against the labels. */
    private void fromFiles(LabelledCases cases) {
        JudgeFamily family;
        try {
            family = JudgeFamilies.forModel(judge.modelName);
        } catch (IllegalArgumentException e) {
            throw judge.usage("--model-name names whose outputs --pred holds, to read them by its family's rules: " + e.getMessage());
        }
        String judgeName = judge.modelName + " (outputs from " + pred + ")";
        if (pred == null) {
            throw judge.usage("--exchange needs --pred: the outputs with the responses in the original order");
        }
        if (cases.isPairwise()) {
            if (exchange == null) {
                throw judge.usage("pairwise cases need the outputs of both orders: --pred FILE (original order) and --exchange FILE"
                        + " (responses exchanged), as the agreement and consistency count both");
            }
            String protocol = protocol(family, "pairwise", "relative");
            List<ParsedVerdict> original = OutputFiles.pairwise(pred, family, protocol, cases.pairs(), false);
            List<ParsedVerdict> swapped = OutputFiles.pairwise(exchange, family, protocol, cases.pairs(), true);
            PairwiseAgreementReport report = PairwiseAgreement.ofOrders(judgeName, cases.pairs(), original, swapped);
            print(report.toText(), report.toJson());
        } else {
            if (exchange != null) {
                throw judge.usage("--exchange is for pairwise cases; these are single-response cases, so drop it");
            }
            List<ParsedVerdict> ratings = OutputFiles.single(pred, family, protocol(family, "single", "absolute"), cases.responses());
            SingleAgreementReport report = SingleAgreement.ofReadings(judgeName, cases.responses(), ratings, tolerance);
            print(report.toText(), report.toJson());
        }
    }

    /**
     * A human score off the judge's scale (11 for Auto-J's 1–10) is a labelling mistake that would count
     * as a disagreement: refused, naming the case. The scale is the family's of --model-name, Auto-J's for
     * a model id autoj does not know (the judging pipeline is Auto-J's).
     */
    private void requireScoresOnTheScale(LabelledCases cases) {
        JudgeFamily family;
        try {
            family = JudgeFamilies.forModel(judge.modelName);
        } catch (IllegalArgumentException unknown) {
            family = JudgeFamilies.AUTOJ;
        }
        for (int i = 0; i < cases.responses().size(); i++) {
            LabelledResponse c = cases.responses().get(i);
            if (!family.scale().contains(c.humanScore())) {
                throw new InputException(casesFile, 0, "case " + (c.id() != null ? "\"" + c.id() + "\"" : "#" + (i + 1)) + " has the human score "
                        + c.humanScore() + ", outside " + family.name() + "'s scale " + family.scale(),
                        "write the human scores on the judge's scale, or measure another judge with --model-name");
            }
        }
    }

    /** The family's protocol of this kind: Auto-J's name, or Prometheus 2's. */
    private String protocol(JudgeFamily family, String... names) {
        for (String name : names) {
            if (family.readableProtocols().contains(name)) {
                return name;
            }
        }
        throw judge.usage(family.name() + " has no " + names[0] + " protocol whose outputs autoj can read");
    }

    private void print(String text, com.fasterxml.jackson.databind.node.ObjectNode report) {
        if (json) {
            report.put("cases_file", casesFile.toString());
            if (pred == null) {
                report.put("judge_settings", judge.describe());
            }
            out().println(Json.document(report));
            return;
        }
        out().println("  cases  " + casesFile);
        out().println(pred == null ? "  judge  " + judge.describe() : "  pred   " + pred + (exchange == null ? "" : ", exchange " + exchange));
        out().println();
        out().print(text);
    }

    /**
     * A family that grades against a rubric (Prometheus 2) needs --rubric; one that has no rubric input
     * (Auto-J, whose criteria are its scenarios') refuses it: both said before any case is judged.
     */
    private void requireTheFamilysInputs(JudgeFamily family) {
        boolean takesRubric = family == JudgeFamilies.PROMETHEUS;
        if (takesRubric && rubric == null) {
            throw judge.usage("--model-name " + judge.modelName + " is judged as " + family.name() + ", which grades against a"
                    + " rubric: add --rubric helpfulness|harmlessness|honesty|factual_validity|reasoning or --rubric \"<your"
                    + " rubric's text>\"");
        }
        if (!takesRubric && (rubric != null || referenceAnswer != null)) {
            throw judge.usage((rubric != null ? "--rubric" : "--reference-answer") + " is an input of Prometheus 2; "
                    + judge.modelName + " is judged as " + family.name() + ", which judges by its own criteria: drop it,"
                    + " or measure a Prometheus 2 model with --model-name prometheus-eval/prometheus-7b-v2.0");
        }
    }

    private Judge.CompareRequest withRubric(Judge.CompareRequest r) {
        return rubric == null ? r : r.withRubric(rubric).withReferenceAnswer(referenceAnswer);
    }

    private Judge.GradeRequest withRubric(Judge.GradeRequest r) {
        return rubric == null ? r : r.withRubric(rubric).withReferenceAnswer(referenceAnswer);
    }

    /** Every pair judged in both orders, in batches of {@code --batch} pairs, with a progress line on a terminal. */
    static List<Comparison> compareInBatches(JudgeOptions judge, List<Judge.CompareRequest> requests, PrintWriter err) {
        List<Comparison> comparisons = new ArrayList<>(requests.size());
        try (Judge j = judge.build(); Progress progress = new Progress(err, "pairs judged", requests.size())) {
            for (List<Judge.CompareRequest> batch : judge.batches(requests)) {
                comparisons.addAll(j.compareAll(batch));
                progress.advance(batch.size());
            }
        }
        return comparisons;
    }
}
