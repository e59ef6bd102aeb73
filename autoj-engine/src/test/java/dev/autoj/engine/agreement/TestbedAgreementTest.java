package dev.autoj.engine.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.internal.TestbedImport;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Auto-J pairwise testbed as a labelled-case file, judged by the engine's judge replaying
 * Auto-J-13B's published verdicts (imported as {@code autoj store import-testbed} does): the report
 * equals the leaderboard, and kappa and the interval equal what a direct count of the three published
 * files gives, computed here by other formulas than the engine's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestbedAgreementTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PairwiseAgreementReport report;

    @BeforeAll
    void judgeTheTestbedByReplayingThePublishedVerdicts(@TempDir Path store) {
        Path testbed = SharedFiles.testbed("testdata_pairwise.jsonl").getParent();
        TestbedImport.run(testbed, JudgmentStore.open(store), Instant.EPOCH);
        LabelledCases cases = LabelledCases.read(testbed.resolve("testdata_pairwise.jsonl"));
        try (Judge judge = Judges.builder().mode(StoreMode.REPLAY).modelId("GAIR/autoj-13b").store(JudgmentStore.open(store)).build()) {
            report = PairwiseAgreement.evaluate(cases.pairs(), judge.compareAll(cases.compareRequests()));
        }
    }

    @Test
    void agreementAndConsistencyEqualTheLeaderboardOverallAndPerGroup() {
        assertThat(report.judge()).isEqualTo("GAIR/autoj-13b");
        assertThat(report.overall().cases()).isEqualTo(1392);
        assertThat(report.overall().agreementPercent()).isEqualTo(54.96);
        assertThat(report.overall().consistencyPercent()).isEqualTo(83.41);
        // the leaderboard's rows, as docs/meta-evaluation.md lists them
        assertThat(report.byScenarioGroup().stream().map(f -> f.name() + " " + f.agreementPercent() + " / " + f.consistencyPercent()))
                .containsExactly("Summarization 45.83 / 73.61", "Exam Questions 38.89 / 69.44", "Code 47.5 / 75.83",
                        "Rewriting 49.17 / 74.17", "Creative Writing 59.72 / 87.04", "Functional Writing 61.67 / 81.67",
                        "General Communication 55.21 / 92.36", "NLP Tasks 57.58 / 86.36");
        assertThat(report.noVerdicts()).isEmpty();
    }

    @Test
    void kappaAndTheIntervalEqualADirectCountOfThePublishedFiles() throws IOException {
        Path testbed = SharedFiles.testbed("testdata_pairwise.jsonl").getParent();
        List<JsonNode> human = lines(testbed.resolve("testdata_pairwise.jsonl"));
        List<JsonNode> original = lines(testbed.resolve("pairwise_example_output.jsonl"));
        List<JsonNode> exchanged = lines(testbed.resolve("pairwise_exchange_example_output.jsonl"));
        // cells[judge][human]: judge 0/1/2 when both orders say it (the exchanged one mapped back), 3 when they disagree
        double[][] cells = new double[4][3];
        int agreeing = 0;
        int consistent = 0;
        for (int i = 0; i < human.size(); i++) {
            int label = human.get(i).get("label").asInt();
            int first = original.get(i).get("output").asInt();
            int second = new int[] {1, 0, 2}[exchanged.get(i).get("output").asInt()];
            int judge = first == second ? first : 3;
            cells[judge][label]++;
            agreeing += judge == label ? 1 : 0;
            consistent += judge != 3 ? 1 : 0;
        }
        int n = human.size();
        assertThat(report.overall().agreeing()).isEqualTo(agreeing).isEqualTo(765);
        assertThat(report.overall().consistent()).isEqualTo(consistent).isEqualTo(1161);
        for (PairVerdict judge : List.of(PairVerdict.RESPONSE_1, PairVerdict.RESPONSE_2, PairVerdict.TIE, PairVerdict.INCONSISTENT)) {
            for (dev.autoj.engine.Verdict label : dev.autoj.engine.Verdict.values()) {
                assertThat(report.overall().confusion().count(judge, label)).isEqualTo((long) cells[judge.ordinal()][label.ordinal()]);
            }
        }

        // Wilson (1927) in the quadratic-root form: (2np + z² ± z·√(z² + 4np(1 − p))) / (2(n + z²))
        double z = 1.959963984540054;
        double p = (double) agreeing / n;
        double root = z * Math.sqrt(z * z + 4 * n * p * (1 - p));
        assertThat(report.overall().agreementInterval().low()).isCloseTo((2 * n * p + z * z - root) / (2 * (n + z * z)), within(1e-12));
        assertThat(report.overall().agreementInterval().high()).isCloseTo((2 * n * p + z * z + root) / (2 * (n + z * z)), within(1e-12));

        // kappa from the marginals; its variance in the (1 − κ) form of Fleiss, Cohen and Everitt (1969)
        double[] row = new double[4];
        double[] column = new double[4];
        double po = 0;
        for (int j = 0; j < 4; j++) {
            for (int h = 0; h < 3; h++) {
                row[j] += cells[j][h] / n;
                column[h] += cells[j][h] / n;
            }
        }
        double pe = 0;
        for (int c = 0; c < 3; c++) {
            po += cells[c][c] / n;
            pe += row[c] * column[c];
        }
        double kappa = (po - pe) / (1 - pe);
        double a = 0;
        double b = 0;
        for (int j = 0; j < 4; j++) {
            for (int h = 0; h < 4; h++) {
                double pjh = h < 3 ? cells[j][h] / n : 0;
                if (j == h) {
                    a += pjh * Math.pow(1 - (row[j] + column[j]) * (1 - kappa), 2);
                } else {
                    b += pjh * Math.pow(column[j] + row[h], 2);
                }
            }
        }
        double variance = (a + Math.pow(1 - kappa, 2) * b - Math.pow(kappa - pe * (1 - kappa), 2)) / (n * Math.pow(1 - pe, 2));
        Statistics.Kappa k = report.overall().kappa();
        assertThat(k.value()).isCloseTo(kappa, within(1e-12));
        assertThat(k.standardError()).isCloseTo(Math.sqrt(variance), within(1e-12));
        assertThat(k.interval().low()).isCloseTo(kappa - z * Math.sqrt(variance), within(1e-12));
        // and the figures statsmodels 0.13.5 prints for the same table (cohens_kappa: kappa, std_kappa; proportion_confint wilson)
        assertThat(k.value()).isCloseTo(0.353678612131189, within(1e-12));
        assertThat(k.standardError()).isCloseTo(0.015433872654455536, within(1e-12));
        assertThat(report.overall().agreementInterval().low()).isCloseTo(0.5233313027313302, within(1e-12));
    }

    @Test
    void theTextReportShowsTheLeaderboardRowWithKappaAndInterval() {
        String text = report.toText();

        assertThat(text).containsPattern("Overall +1392 +54\\.96 +\\[52\\.33, 57\\.55\\] +0\\.354 +0\\.323 to 0\\.384 +83\\.41")
                .containsPattern("orders disagree +70 +65 +96 +231")
                .contains("Cohen's kappa 0.354 (standard error 0.015");
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }
}
