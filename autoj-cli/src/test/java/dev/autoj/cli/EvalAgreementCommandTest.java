package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.cli.eval.GroupFigures;
import dev.autoj.cli.eval.PairwiseReport;
import dev.autoj.cli.eval.TestbedFiles;
import dev.autoj.engine.Language;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.internal.AutoJTestbed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autoj eval agreement} end to end through {@code Main}: the Auto-J pairwise testbed as the
 * labelled-case file, judged by replaying Auto-J-13B's published verdicts imported with
 * {@code store import-testbed}, gives the leaderboard's figures plus kappa and the interval.
 */
class EvalAgreementCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final Path testbed = ImportedTestbed.testbed();
    private final Path store = ImportedTestbed.store();

    private CliRun agreement(Path cases, String... more) {
        List<String> args = new ArrayList<>(List.of("eval", "agreement", "--cases", cases.toString(), "--mode", "replay", "--store", store.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void theTestbedJudgedByReplayGivesTheLeaderboardsFiguresWithKappaAndInterval() throws IOException {
        CliRun run = agreement(testbed.resolve("testdata_pairwise.jsonl"), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode overall = JSON.readTree(run.out()).path("overall");
        assertThat(overall.path("agreement").asDouble()).isEqualTo(54.96);
        assertThat(overall.path("consistency").asDouble()).isEqualTo(83.41);
        // the leaderboard's own path (prediction files, no judge) counts the same items
        PairwiseReport files = TestbedFiles.evaluatePairwise(testbed.resolve("testdata_pairwise.jsonl"),
                testbed.resolve("pairwise_example_output.jsonl"), testbed.resolve("pairwise_exchange_example_output.jsonl"), Language.EN);
        assertThat(overall.path("agreeing").asInt()).isEqualTo(files.overall().agreeing());
        assertThat(overall.path("consistent").asInt()).isEqualTo(files.overall().consistent());
        // kappa and Wilson interval as statsmodels 0.13.5 computes them from the same confusion table
        // (engine TestbedAgreementTest derives both again from a direct count of the published files)
        assertThat(overall.path("kappa").path("value").asDouble()).isCloseTo(0.353678612131189, within(1e-12));
        assertThat(overall.path("kappa").path("standard_error").asDouble()).isCloseTo(0.015433872654455536, within(1e-12));
        assertThat(overall.path("agreement_interval").toString()).isEqualTo("[52.33,57.55]");
        assertThat(JSON.readTree(run.out()).path("judge").asText()).isEqualTo("GAIR/autoj-13b");
        List<String> groups = new ArrayList<>();
        JSON.readTree(run.out()).path("by_scenario_group").forEach(g -> groups.add(g.path("name").asText() + " "
                + g.path("agreement").asDouble() + " " + g.path("consistency").asDouble()));
        assertThat(groups).containsExactlyElementsOf(files.groups().stream()
                .map((GroupFigures g) -> g.group() + " " + g.agreement() + " " + g.consistency()).toList());
    }

    @Test
    void theTableShowsTheOverallRowTheConfusionTableAndKappa() {
        CliRun run = agreement(testbed.resolve("testdata_pairwise.jsonl"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("  judge  GAIR/autoj-13b, replay from " + store)
                .containsPattern("Overall +1392 +54\\.96 +\\[52\\.33, 57\\.55\\] +0\\.354 +0\\.323 to 0\\.384 +83\\.41")
                .containsPattern("orders disagree +70 +65 +96 +231")
                .contains("Agreement 54.96 % (765 of 1392), 95% Wilson interval [52.33, 57.55]; consistency 83.41 % (1161 of 1392)");
    }

    @Test
    void ownLabelledSingleResponseCasesAreRatedByTheReplayedJudge() throws IOException {
        // Published Auto-J-13B critiques of the first four single-response items; the scores are written for this test (not human labels)
        List<AutoJTestbed.SingleItem> items = AutoJTestbed.single(testbed).subList(0, 4);
        double[] scores = {5, 6, 2, 9};
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            lines.add(JSON.writeValueAsString(Map.of("id", "s" + i, "query", items.get(i).query(), "response", items.get(i).response(),
                    "score", scores[i], "tags", List.of(i < 2 ? "first" : "second"))));
        }
        Path cases = Files.write(dir.resolve("single.jsonl"), lines, StandardCharsets.UTF_8);
        CliRun run = agreement(cases, "--json", "--tolerance", "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(run.out());
        int within = 0;
        for (int i = 0; i < items.size(); i++) {
            String output = items.get(i).output();
            int at = output.lastIndexOf("Rating: [[");
            double rating = Double.parseDouble(output.substring(at + 10, output.indexOf("]]", at)));
            within += Math.abs(rating - scores[i]) <= 1 ? 1 : 0;
        }
        assertThat(report.path("protocol").asText()).isEqualTo("single");
        assertThat(report.path("overall").path("rated").asInt()).isEqualTo(4);
        assertThat(report.path("overall").path("within_tolerance").asInt()).isEqualTo(within);
        assertThat(report.path("by_tag").size()).isEqualTo(2);
    }

    @Test
    void aBadCaseFileIsOneLineNamingFileLineAndField() throws IOException {
        Path cases = Files.write(dir.resolve("bad.jsonl"), List.of(
                "{\"query\":\"q\",\"response_1\":\"a\",\"response_2\":\"b\",\"label\":\"1\"}",
                "{\"query\":\"q\",\"response_1\":\"a\",\"response_2\":\"b\",\"label\":3}"), StandardCharsets.UTF_8);

        CliRun run = agreement(cases);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).isEqualTo("autoj eval agreement: " + cases + " line 2, field \"label\": is 3; write 1"
                + " (response_1 is better), 2 (response_2 is better) or \"tie\"");
    }

    @Test
    void withoutAJudgeItSaysHowToNameOne() {
        CliRun run = CliRun.of("eval", "agreement", "--cases", testbed.resolve("testdata_pairwise.jsonl").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("name the judge to measure: --endpoint URL for a live judge, or --mode replay --store DIR");
    }

    @Test
    void aRubricIsAskedOfPrometheusAndRefusedForAutoJBeforeAnyCaseIsJudged() {
        CliRun noRubric = agreement(testbed.resolve("testdata_pairwise.jsonl"), "--model-name", "prometheus-eval/prometheus-7b-v2.0");
        CliRun autojWithRubric = agreement(testbed.resolve("testdata_pairwise.jsonl"), "--rubric", "helpfulness");

        assertThat(noRubric.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(noRubric.err()).contains("is judged as Prometheus 2, which grades against a rubric: add --rubric helpfulness");
        assertThat(autojWithRubric.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(autojWithRubric.err()).contains("--rubric is an input of Prometheus 2; GAIR/autoj-13b is judged as Auto-J");
    }

    @Test
    void aPrometheusJudgeIsMeasuredThroughTheSamePipelineWithTheGivenRubric() throws IOException {
        // Outputs written by this test (no Prometheus output exists here), answered by a loopback server per exact prompt:
        // pair x: A in the original order, B when exchanged (consistent, agrees with label 1);
        // pair y: A in both orders (inconsistent); pair z: B when exchanged and A first (consistent, the label is a tie).
        String rubric = "helpfulness";
        Map<String, String> answers = new java.util.HashMap<>();
        answers.put(relative("q1", "a", "b"), "Written by the test. [RESULT] A");
        answers.put(relative("q1", "b", "a"), "Written by the test. [RESULT] B");
        answers.put(relative("q2", "c", "d"), "Written by the test. [RESULT] A");
        answers.put(relative("q2", "d", "c"), "Written by the test. [RESULT] A");
        answers.put(relative("q3", "e", "f"), "Written by the test. [RESULT] A");
        answers.put(relative("q3", "f", "e"), "Written by the test. [RESULT] B");
        Path cases = Files.write(dir.resolve("three.jsonl"), List.of(
                "{\"id\":\"x\",\"query\":\"q1\",\"response_1\":\"a\",\"response_2\":\"b\",\"label\":1}",
                "{\"id\":\"y\",\"query\":\"q2\",\"response_1\":\"c\",\"response_2\":\"d\",\"label\":2}",
                "{\"id\":\"z\",\"query\":\"q3\",\"response_1\":\"e\",\"response_2\":\"f\",\"label\":\"tie\"}"),
                StandardCharsets.UTF_8);

        CliRun run;
        try (LoopbackCompletionsServer server = new LoopbackCompletionsServer(answers)) {
            run = CliRun.of("eval", "agreement", "--cases", cases.toString(), "--endpoint", server.url(), "--model-name",
                    "prometheus-eval/prometheus-7b-v2.0", "--rubric", rubric, "--conformance", "off", "--json");
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode overall = JSON.readTree(run.out()).path("overall");
        assertThat(overall.path("agreeing").asInt()).as("x only: y is inconsistent, z cannot be a tie for Prometheus").isEqualTo(1);
        assertThat(overall.path("consistent").asInt()).isEqualTo(2);
        assertThat(overall.path("confusion").path("inconsistent").path("response_2").asInt()).isEqualTo(1);
        assertThat(overall.path("confusion").path("response_1").path("tie").asInt()).isEqualTo(1);
    }

    private static String relative(String query, String first, String second) {
        return dev.autoj.engine.family.prometheus.Prometheus.relative(query, first, second,
                dev.autoj.engine.family.prometheus.Rubric.HELPFULNESS, null).text();
    }

    @Test
    void thePublishedOutputFilesGiveTheSameReportAsTheReplayedJudge() throws IOException {
        CliRun files = CliRun.of("eval", "agreement", "--cases", testbed.resolve("testdata_pairwise.jsonl").toString(),
                "--pred", testbed.resolve("pairwise_example_output.jsonl").toString(),
                "--exchange", testbed.resolve("pairwise_exchange_example_output.jsonl").toString(), "--json");
        CliRun judged = agreement(testbed.resolve("testdata_pairwise.jsonl"), "--json");

        assertThat(files.exitCode()).as(files.err()).isZero();
        JsonNode fromFiles = JSON.readTree(files.out());
        assertThat(fromFiles.path("overall").path("agreement").asDouble()).isEqualTo(54.96);
        assertThat(fromFiles.path("overall").path("consistency").asDouble()).isEqualTo(83.41);
        assertThat(fromFiles.path("overall")).isEqualTo(JSON.readTree(judged.out()).path("overall"));
        assertThat(fromFiles.path("by_scenario_group")).isEqualTo(JSON.readTree(judged.out()).path("by_scenario_group"));
        assertThat(fromFiles.path("judge").asText()).startsWith("GAIR/autoj-13b (outputs from ");
    }

    @Test
    void anotherFamilysOutputsAreReadByItsOwnReader() throws IOException {
        // Texts from ../shared/prometheus/parser_cases.jsonl (the prometheus-eval library's parser cases, not model judgments),
        // used only to drive Prometheus 2's reader: rel-ok-a reads A, rel-ok-b reads B, rel-tie reads nothing
        Map<String, String> outputs = new java.util.HashMap<>();
        for (String line : Files.readAllLines(SharedFiles.prometheus("parser_cases.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode c = JSON.readTree(line);
            outputs.put(c.path("id").asText(), c.path("output").asText());
        }
        Path cases = Files.write(dir.resolve("three.jsonl"), List.of(
                "{\"id\":\"x\",\"query\":\"q1\",\"response_1\":\"a\",\"response_2\":\"b\",\"label\":1}",
                "{\"id\":\"y\",\"query\":\"q2\",\"response_1\":\"c\",\"response_2\":\"d\",\"label\":2}",
                "{\"id\":\"z\",\"query\":\"q3\",\"response_1\":\"e\",\"response_2\":\"f\",\"label\":\"tie\"}"), StandardCharsets.UTF_8);
        Path pred = Files.write(dir.resolve("pred.jsonl"), List.of(output(outputs, "rel-ok-a"), output(outputs, "rel-ok-b"),
                output(outputs, "rel-tie")), StandardCharsets.UTF_8);
        // exchanged: x says B (the original response 1: consistent), y says B (the original response 1: inconsistent), z says A
        Path exchange = Files.write(dir.resolve("exchange.jsonl"), List.of(output(outputs, "rel-ok-b"), output(outputs, "rel-ok-b"),
                output(outputs, "rel-ok-a")), StandardCharsets.UTF_8);

        CliRun run = CliRun.of("eval", "agreement", "--cases", cases.toString(), "--pred", pred.toString(), "--exchange", exchange.toString(),
                "--model-name", "prometheus-eval/prometheus-7b-v2.0", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.path("overall").path("agreeing").asInt()).isEqualTo(1);
        assertThat(report.path("overall").path("consistent").asInt()).isEqualTo(1);
        assertThat(report.path("overall").path("confusion").path("inconsistent").path("response_2").asInt()).isEqualTo(1);
        assertThat(report.path("overall").path("confusion").path("no_verdict").path("tie").asInt()).isEqualTo(1);
        assertThat(report.path("no_verdicts").get(0).path("case").asText()).isEqualTo("z");
        assertThat(report.path("judge").asText()).startsWith("prometheus-eval/prometheus-7b-v2.0 (outputs from ");
    }

    private static String output(Map<String, String> outputs, String id) throws IOException {
        return JSON.writeValueAsString(Map.of("output", outputs.get(id)));
    }

    @Test
    void outputFilesAndAJudgeTogetherOrAMissingOrderAreUsageErrors() {
        String cases = testbed.resolve("testdata_pairwise.jsonl").toString();
        String pred = testbed.resolve("pairwise_example_output.jsonl").toString();

        CliRun both = CliRun.of("eval", "agreement", "--cases", cases, "--pred", pred, "--exchange", pred, "--mode", "replay",
                "--store", store.toString());
        CliRun one = CliRun.of("eval", "agreement", "--cases", cases, "--pred", pred);

        assertThat(both.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(both.err()).contains("give one or the other");
        assertThat(one.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(one.err()).contains("pairwise cases need the outputs of both orders");
    }

    @Test
    void aHumanScoreOffTheJudgesScaleIsRefusedNamingTheCase() throws IOException {
        Path cases = Files.write(dir.resolve("scores.jsonl"), List.of("{\"query\":\"q\",\"response\":\"r\",\"score\":7}",
                "{\"id\":\"eleven\",\"query\":\"q\",\"response\":\"s\",\"score\":11}"), StandardCharsets.UTF_8);

        CliRun run = agreement(cases);

        assertThat(run.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(run.err()).contains("case \"eleven\" has the human score 11.0, outside Auto-J's scale 1–10");
    }
}
