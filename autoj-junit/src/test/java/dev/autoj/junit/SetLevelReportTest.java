package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatCandidates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.assertions.PairedCase;
import dev.autoj.assertions.fixtures.SharedFiles;
import dev.autoj.engine.Scenario.Group;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.internal.AutoJTestbed.PairwiseItem;
import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.report.SetDecision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Set-level decisions in the reports, on Auto-J-13B's published pairwise verdicts (both orders)
 * for the testbed's Summarization group: the human-preferred response as candidate passes the sign
 * test (37 wins / 11 ties / 13 losses over 61 cases, p = 0.000468; figures pinned independently in
 * CandidatesAssertTest), response 1 as candidate is inconclusive (31 / 14 / 27 over 72 cases).
 */
class SetLevelReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The launched tests need Auto-J's published testbed; without it this test is skipped, not failed. */
    @BeforeEach
    void testbedIsBesideTheRepository() {
        SharedFiles.testbed("testdata_pairwise.jsonl");
    }

    @ExtendWith(OnlyInTestKit.class)
    static class Sets {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(TestJudges::create);

        @Test
        void humanPreferredSummaries() {
            assertThatCandidates(summarization(i -> i.human() != Verdict.TIE, i -> i.human() == Verdict.RESPONSE_1))
                    .isPreferredOverBaseline();
        }

        @Test
        void firstResponses() {
            assertThatCandidates(summarization(i -> true, i -> true)).isPreferredOverBaseline();
        }
    }

    @Test
    void summaryJsonCarriesEveryFigureAndReadsBackThroughTheSharedSchema() throws IOException {
        Launches.launch(dir, Map.of(), Sets.class).testEvents().assertStatistics(s -> s.succeeded(1).aborted(1));

        Path file = dir.resolve("summary.json");
        JsonNode json = JSON.readTree(file.toFile());
        assertThat(json.at("/totals/set_comparisons").asInt()).isEqualTo(2);
        assertThat(json.at("/totals/judgments").asInt()).isEqualTo(61 + 72);
        JsonNode first = json.get("tests").get(0);
        assertThat(first.get("name").asText()).isEqualTo("firstResponses()");
        assertThat(first.get("status").asText()).isEqualTo("aborted");
        JsonNode inconclusive = first.get("set_comparisons").get(0);
        assertThat(inconclusive.get("decision").asText()).isEqualTo("inconclusive");
        assertThat(inconclusive.get("position_flips").asInt()).isEqualTo(12);
        assertThat(inconclusive.get("cases_needed").asInt()).isEqualTo(1628);
        JsonNode pass = json.get("tests").get(1).get("set_comparisons").get(0);
        assertThat(pass.get("assertion").asText()).isEqualTo("isPreferredOverBaseline");
        assertThat(pass.get("method").asText()).isEqualTo("sign_test");
        assertThat(pass.get("decision").asText()).isEqualTo("pass");
        assertThat(List.of(pass.get("cases").asInt(), pass.get("wins").asInt(), pass.get("ties").asInt(),
                pass.get("losses").asInt(), pass.get("undecided").asInt())).containsExactly(61, 37, 11, 13, 0);
        assertThat(pass.get("p_value").asDouble()).isCloseTo(0.000468, within(5e-7));
        assertThat(pass.get("mean_score_lower_bound").asDouble()).isCloseTo(0.5994, within(5e-5));
        // Figures that do not apply to a sign test are null, not NaN (which JSON cannot hold).
        assertThat(pass.get("llr").isNull()).isTrue();
        assertThat(pass.get("margin").isNull()).isTrue();
        assertThat(pass.get("case_results")).hasSize(61);
        assertThat(pass.get("case_results").get(0).get("verdicts")).hasSize(2);

        RunSummary read = RunSummary.read(file);
        assertThat(read.toJson() + "\n").isEqualTo(Files.readString(file));
        SetDecision entry = read.tests().get(1).setComparisons().get(0);
        assertThat(entry.counts().wins()).isEqualTo(37);
        assertThat(entry.method()).isInstanceOf(SetDecision.SignTest.class);
        assertThat(entry.margin()).isNaN();
        assertThat(read.tests().get(0).status()).isEqualTo(RunSummary.Status.ABORTED);
    }

    @Test
    void summaryMarkdownHasASectionPerSetLevelAssertionAndCountsItsCasesInTheTable() throws IOException {
        Launches.launch(dir, Map.of(), Sets.class);

        String md = Files.readString(dir.resolve("summary.md"));
        assertThat(md).contains("· 2 set-level decisions (listed below)")
                .contains("| SetLevelReportTest.Sets › humanPreferredSummaries() | ✅ passed | isPreferredOverBaseline: PASS over"
                        + " 61 judged cases, 37 W / 11 T / 13 L / 0 undecided |")
                .contains("| SetLevelReportTest.Sets › firstResponses() | ⏭ aborted | isPreferredOverBaseline: INCONCLUSIVE over"
                        + " 72 judged cases, 31 W / 14 T / 27 L / 0 undecided ✗ |")
                .contains("\n### Set-level decisions\n")
                .contains("#### SetLevelReportTest.Sets › humanPreferredSummaries(), isPreferredOverBaseline: ✅ PASS\n")
                .contains("#### SetLevelReportTest.Sets › firstResponses(), isPreferredOverBaseline: ⏭ INCONCLUSIVE (test aborted)\n")
                .contains("| cases | 61 given, 61 judged in both orders, 61 decided, 0 undecided |")
                .contains("| wins / ties / losses / undecided | 37 / 11 / 13 / 0 |")
                .contains("| mean case score | 0.684 (one-sided 95% lower bound 0.599) |")
                .contains("| sign test | p = 0.0005 (exact one-sided, α = 0.050) |")
                .contains("| position flips | 12 (won one order, lost the other; scored ½) |")
                .contains("| cases needed | 1628 decided cases for power 0.8 |")
                .contains("| decision | INCONCLUSIVE (more wins than losses, but sign test p = 0.3470 ≥ α = 0.050) |")
                // Auto-J's published pairwise outputs are labels only: a source note, counted, not a warning.
                .contains("\n### Source notes\n\n- Published label only: pairwise_example_output.jsonl line … gives"
                        + " Auto-J-13B's verdict label 0 for this prompt, not the judge's critique text, so raw_output is null.")
                .doesNotContain("### Warnings")
                // The 133 case judgments are counted in the rows and the warnings, not listed one by one.
                .doesNotContain("isPreferredOverBaseline[testbed-");
        assertThat(md).contains("| win share | 60.7% (95% Wilson interval 48.1%–71.9%) |");
    }

    @Test
    void theAllureStepOfASetCarriesTheCaseTableAndBothCharts() throws IOException {
        Path results = dir.resolve("allure-results");
        AllureResultsTest.runWithAllure(results, Sets.class, 2);

        JsonNode passed = AllureResultsTest.testResult(results, "humanPreferredSummaries");
        JsonNode steps = passed.get("steps");
        // One step for the whole set: its cases are rows of its report, not steps with files of their own.
        assertThat(steps).hasSize(1);
        JsonNode set = steps.get(0);
        assertThat(set.get("name").asText()).isEqualTo("Auto-J isPreferredOverBaseline: PASS over 61 cases (37 W / 11 T / 13 L / 0 undecided)");
        assertThat(set.get("status").asText()).isEqualTo("passed");
        assertThat(AllureResultsTest.parameters(set)).containsEntry("decision", "PASS").containsEntry("method", "sign_test")
                .containsEntry("sign test", "p = 0.0005 (exact one-sided, α = 0.050)")
                .containsEntry("wins / ties / losses / undecided", "37 / 11 / 13 / 0");
        String html = attachment(results, set, "set-level report");
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<table id=\"autoj-cases\">")
                .contains("<svg id=\"autoj-outcome-bar\"").contains("<svg id=\"autoj-mean-chart\"")
                .contains("<title>wins: 37</title>").contains("<title>losses: 13</title>")
                .contains("<title>mean case score 0.684</title>").contains("<title>one-sided lower bound 0.599</title>")
                // Auto-J's published pairwise outputs are verdict labels: no critique to link to.
                .contains("No critique text");
        assertThat(count(html, "<tr id=\"case-")).isEqualTo(61);
        PairwiseItem firstCase = Summaries.items(i -> i.human() != Verdict.TIE).get(0);
        assertThat(html).contains("<td>testbed-" + firstCase.index() + "</td>");
        assertThat(attachment(results, set, "figures")).contains("wins / ties / losses: 37 / 11 / 13");

        JsonNode aborted = AllureResultsTest.testResult(results, "firstResponses");
        JsonNode last = aborted.get("steps").get(aborted.get("steps").size() - 1);
        assertThat(last.get("name").asText()).startsWith("Auto-J isPreferredOverBaseline: INCONCLUSIVE over 72 cases");
        assertThat(last.get("status").asText()).isEqualTo("skipped");
        assertThat(last.at("/statusDetails/message").asText()).contains("cases needed: 1628 decided cases");
    }

    private static String attachment(Path results, JsonNode step, String name) throws IOException {
        for (JsonNode attachment : step.get("attachments")) {
            if (attachment.get("name").asText().equals(name)) {
                return Files.readString(results.resolve(attachment.get("source").asText()));
            }
        }
        throw new AssertionError("no attachment named " + name + " in step " + step.get("name"));
    }

    private static int count(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The testbed's Summarization items as paired cases named {@code testbed-<index>}. */
    static List<PairedCase> summarization(Predicate<PairwiseItem> which, Predicate<PairwiseItem> firstIsCandidate) {
        List<PairedCase> cases = new ArrayList<>();
        for (PairwiseItem item : Summaries.items(which)) {
            boolean first = firstIsCandidate.test(item);
            cases.add(new PairedCase(item.query(), first ? item.response1() : item.response2(),
                    first ? item.response2() : item.response1(), "testbed-" + item.index(), item.scenario(), null));
        }
        return cases;
    }

    private static final class Summaries {
        static List<PairwiseItem> items(Predicate<PairwiseItem> which) {
            return AutoJTestbed.pairwise(SharedFiles.testbed("testdata_pairwise.jsonl").getParent()).stream()
                    .filter(i -> i.scenario().group().orElse(null) == Group.SUMMARIZATION && which.test(i)).toList();
        }
    }
}
