package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.SharedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code autoj eval} on the testbed and the published Auto-J-13B outputs. */
class EvalCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String[] pairwiseArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of("eval", "pairwise",
                "--source", SharedFiles.testbed("testdata_pairwise.jsonl").toString(),
                "--pred", SharedFiles.testbed("pairwise_example_output.jsonl").toString(),
                "--exchange", SharedFiles.testbed("pairwise_exchange_example_output.jsonl").toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void evalPairwisePrintsTheLeaderboardTableWithEveryGroup() {
        CliRun run = CliRun.of(pairwiseArgs());

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .containsPattern("Summarization\\s+72\\s+45\\.83\\s+73\\.61")
                .containsPattern("Exam Questions\\s+72\\s+38\\.89\\s+69\\.44")
                .containsPattern("Code\\s+120\\s+47\\.50\\s+75\\.83")
                .containsPattern("Rewriting\\s+120\\s+49\\.17\\s+74\\.17")
                .containsPattern("Creative Writing\\s+216\\s+59\\.72\\s+87\\.04")
                .containsPattern("Functional Writing\\s+240\\s+61\\.67\\s+81\\.67")
                .containsPattern("General Communication\\s+288\\s+55\\.21\\s+92\\.36")
                .containsPattern("NLP Tasks\\s+264\\s+57\\.58\\s+86\\.36")
                .containsPattern("Overall\\s+1392\\s+54\\.96\\s+83\\.41")
                .contains("predictions without a verdict: 0");
    }

    @Test
    void evalPairwiseJsonCarriesTheFiguresAsNumbers() throws IOException {
        CliRun run = CliRun.of(pairwiseArgs("--json"));

        assertThat(run.exitCode()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.path("overall").path("agreement").doubleValue()).isEqualTo(54.96);
        assertThat(report.path("overall").path("consistency").doubleValue()).isEqualTo(83.41);
        assertThat(report.path("overall").path("items").intValue()).isEqualTo(1392);
        assertThat(report.path("groups")).hasSize(8);
        assertThat(report.path("groups").get(2).path("group").asText()).isEqualTo("Code");
        assertThat(report.path("groups").get(2).path("agreement").doubleValue()).isEqualTo(47.5);
        assertThat(report.path("no_verdicts")).isEmpty();
    }

    @Test
    void evalSingleCountsTheRatingsAndNamesLine186AsNoVerdict() throws IOException {
        CliRun run = CliRun.of("eval", "single", "--pred", SharedFiles.testbed("critique_example_output.jsonl").toString(), "--json");

        assertThat(run.exitCode()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.path("judgments").intValue()).isEqualTo(232);
        assertThat(report.path("rated").intValue()).isEqualTo(231);
        assertThat(report.path("histogram")).hasSize(10);
        assertThat(report.path("no_verdicts")).hasSize(1);
        assertThat(report.path("no_verdicts").get(0).path("item").intValue()).isEqualTo(186);
    }

    @Test
    void evalSingleReadsJudgeTextsInTheLanguageGiven() throws IOException {
        Path pred = dir.resolve("zh-single.jsonl");
        Files.writeString(pred, "{\"output\":\"回答基本正确，但缺少例子。\\n\\n评分:[[6]]\"}\n", StandardCharsets.UTF_8);

        JsonNode english = JSON.readTree(CliRun.of("eval", "single", "--pred", pred.toString(), "--json").out());
        CliRun chinese = CliRun.of("eval", "single", "--pred", pred.toString(), "--language", "zh", "--json");

        assertThat(english.path("rated").intValue()).as("read with the English marker, the Chinese text has no rating").isZero();
        assertThat(chinese.exitCode()).isZero();
        JsonNode report = JSON.readTree(chinese.out());
        assertThat(report.path("rated").intValue()).isEqualTo(1);
        assertThat(report.path("no_verdicts")).isEmpty();
    }

    @Test
    void evalSingleTablePrintsTheHistogramAndTheNoVerdict() {
        CliRun run = CliRun.of("eval", "single", "--pred", SharedFiles.testbed("critique_example_output.jsonl").toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("(?m)^10\\s+0$").contains("Rated 231").contains("outputs without a rating: 1")
                .contains("item 186: the judge output has no \"Rating: [[n]]\"");
    }

    @Test
    void evalScenarioScoresAnswersOfBothFormatsAgainstTheTrueCategories() throws IOException {
        Path source = SharedFiles.testbed("scenario_classifier_testdata.jsonl");
        List<String> categories = new ArrayList<>();
        for (String line : Files.readAllLines(source, StandardCharsets.UTF_8)) {
            categories.add(JSON.readTree(line).path("category").asText());
        }
        // A deliberately poor classifier: each query gets the next query's category, written alternately
        // as a scenario name and as raw classifier text; the last answer names no scenario at all.
        List<String> predictions = new ArrayList<>();
        int expectedCorrect = 0;
        for (int i = 0; i < categories.size(); i++) {
            if (i == categories.size() - 1) {
                predictions.add("{\"output\": \"\"}");
                expectedCorrect += categories.get(i).equals("default") ? 1 : 0;
                continue;
            }
            String answer = categories.get(i + 1);
            predictions.add(i % 2 == 0 ? "{\"scenario\": \"" + answer + "\"}" : "{\"output\": \"" + answer + "\\n\"}");
            expectedCorrect += answer.equals(categories.get(i)) ? 1 : 0;
        }
        Path pred = Files.write(dir.resolve("pred.jsonl"), predictions, StandardCharsets.UTF_8);

        CliRun run = CliRun.of("eval", "scenario", "--source", source.toString(), "--pred", pred.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.path("items").intValue()).isEqualTo(623);
        assertThat(report.path("correct").intValue()).isEqualTo(expectedCorrect);
        assertThat(report.path("accuracy").doubleValue())
                .isEqualTo(Math.round(100.0 * expectedCorrect / 623 * 100) / 100.0);
        assertThat(report.path("unrecognised").intValue()).isEqualTo(1);
        assertThat(report.path("categories")).hasSize(59);
    }

    @Test
    void rawJudgeTextsAreParsedAndAnUnreadableOneIsCountedAsNoVerdict() throws IOException {
        // The original-order file rewritten as the sentence the pairwise template asks the judge to end
        // with, built from Auto-J's published labels. The first item that Auto-J got right in both orders
        // instead gets Auto-J's real degenerate output (critique_example_output.jsonl line 186), which
        // holds no verdict.
        List<JsonNode> source = readJson(SharedFiles.testbed("testdata_pairwise.jsonl"));
        List<JsonNode> labels = readJson(SharedFiles.testbed("pairwise_example_output.jsonl"));
        List<JsonNode> exchanged = readJson(SharedFiles.testbed("pairwise_exchange_example_output.jsonl"));
        String degenerate = Files.readAllLines(SharedFiles.testbed("critique_example_output.jsonl"), StandardCharsets.UTF_8).get(185);
        int replaced = -1;
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            int label = labels.get(i).path("output").intValue();
            int back = new int[] {1, 0, 2}[exchanged.get(i).path("output").intValue()];
            if (replaced < 0 && label == back && label == source.get(i).path("label").intValue()) {
                replaced = i;
                texts.add(degenerate);
                continue;
            }
            String decision = label == 0 ? "Response 1" : label == 1 ? "Response 2" : "Tie";
            texts.add(JSON.writeValueAsString(Map.of("output", "So, the final decision is " + decision)));
        }
        Path pred = Files.write(dir.resolve("pred-texts.jsonl"), texts, StandardCharsets.UTF_8);
        JsonNode published = JSON.readTree(CliRun.of(pairwiseArgs("--json")).out());

        CliRun run = CliRun.of("eval", "pairwise",
                "--source", SharedFiles.testbed("testdata_pairwise.jsonl").toString(),
                "--pred", pred.toString(),
                "--exchange", SharedFiles.testbed("pairwise_exchange_example_output.jsonl").toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.path("no_verdicts")).hasSize(1);
        assertThat(report.path("no_verdicts").get(0).path("item").intValue()).isEqualTo(replaced + 1);
        assertThat(report.path("no_verdicts").get(0).path("order").asText()).isEqualTo("original");
        JsonNode before = published.path("overall");
        JsonNode after = report.path("overall");
        assertThat(after.path("agreeing").intValue()).isEqualTo(before.path("agreeing").intValue() - 1);
        assertThat(after.path("consistent").intValue()).isEqualTo(before.path("consistent").intValue() - 1);
        // Only the replaced item's group changes: elsewhere the text and label forms give the same verdicts.
        int changedGroups = 0;
        for (int g = 0; g < 8; g++) {
            changedGroups += report.path("groups").get(g).equals(published.path("groups").get(g)) ? 0 : 1;
        }
        assertThat(changedGroups).isEqualTo(1);
    }

    private static List<JsonNode> readJson(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }
}
