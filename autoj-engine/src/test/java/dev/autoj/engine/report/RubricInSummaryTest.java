package dev.autoj.engine.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.report.RunSummary.JudgmentEntry;
import dev.autoj.engine.report.RunSummary.Status;
import dev.autoj.engine.report.RunSummary.TestEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rubric and the reference answer of each judgment in the run summary: whole in summary.json (with their
 * SHA-256), named by a short hash in summary.md's rows and listed once, shortened, in its own section. The
 * entries are built by the test (no judge ran); their texts are the test's own.
 */
class RubricInSummaryTest {

    private static final String RUBRIC = "[Is the summary accurate and concise?]\nScore 1: Wrong.\nScore 2: Mostly wrong.\n"
            + "Score 3: Partly right.\nScore 4: Right but wordy.\nScore 5: Right and concise.";
    private static final String CRITERIA = "[Is the summary accurate and concise?]";

    @TempDir
    Path temp;

    private static JudgmentEntry graded(String assertion, String rubric, String reference) {
        return new JudgmentEntry(assertion, "score at least 4", Protocol.SINGLE, "default", true, null, null, null, null, 4.0,
                null, "live:remote", 3, List.of(), List.of(), List.of(), rubric, reference);
    }

    private static JudgmentEntry compared(String assertion, String rubric, String reference) {
        return new JudgmentEntry(assertion, "case score above ½", Protocol.PAIRWISE, "default", true, "both",
                List.of(Verdict.RESPONSE_1, Verdict.RESPONSE_2), Verdict.RESPONSE_1, true, null, null, "live:remote", 3, List.of(),
                List.of(), List.of(), rubric, reference);
    }

    private static RunSummary summary() {
        List<JudgmentEntry> cases = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            cases.add(compared("isPreferredOverBaseline[case-" + i + "]", CRITERIA, "Reference of case " + i + "."));
        }
        SetDecision set = new SetDecision("isPreferredOverBaseline", SetDecision.Decision.INCONCLUSIVE, "too few cases",
                new SetDecision.Counts(3, 3, 3, 0, 0, 0, 0), new SetDecision.Mean(1, 1), new SetDecision.WinShare(1, 0.4, 1),
                new SetDecision.SignTest(0.125), 0.05, 5, List.of());
        List<TestEntry> tests = List.of(
                new TestEntry("[class:T]/[method:graded()]", "com.example.T", "graded()", Status.PASSED,
                        List.of(graded("scoresAtLeast", RUBRIC, "A Danish prince avenges his father.")), List.of()),
                new TestEntry("[class:T]/[method:plain()]", "com.example.T", "plain()", Status.PASSED,
                        List.of(graded("scoresAtLeast", null, null)), List.of()),
                new TestEntry("[class:T]/[method:set()]", "com.example.T", "set()", Status.ABORTED, cases, List.of(set)));
        return new RunSummary(RunSummaries.totals(tests, 0, 0), tests);
    }

    @Test
    void summaryJsonHoldsEachJudgmentsRubricAndReferenceWholeAndReadsThemBack() throws IOException {
        RunSummary summary = summary();
        Path file = Files.writeString(temp.resolve("summary.json"), summary.toJson());

        String json = Files.readString(file);
        assertThat(json).contains("\"rubric\" : \"[Is the summary accurate and concise?]\\nScore 1: Wrong.")
                .contains("\"reference_answer\" : \"Reference of case 2.\"")
                // SHA-256 of the UTF-8 bytes, as sha256sum prints it for the criteria line without a line break
                .contains("\"rubric_sha256\" : \"" + RunSummary.sha256(CRITERIA) + "\"");
        assertThat(RunSummary.sha256("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        RunSummary read = RunSummary.read(file);
        assertThat(read).isEqualTo(summary);
        assertThat(read.tests().get(0).judgments().get(0).rubric()).isEqualTo(RUBRIC);
        assertThat(read.tests().get(1).judgments().get(0).rubric()).isNull();
        // A judgment without a rubric (every Auto-J judgment) is written as before: no new fields.
        String plain = json.substring(json.indexOf("\"name\" : \"plain()\""), json.indexOf("\"name\" : \"set()\""));
        assertThat(plain).doesNotContain("rubric").doesNotContain("reference_answer");
    }

    @Test
    void summaryMdNamesEachRubricByAShortHashInTheRowsAndListsItOnce() {
        String md = RunSummaryMarkdown.render(summary());
        String rubric = RunSummary.sha256(RUBRIC).substring(0, 12);
        String criteria = RunSummary.sha256(CRITERIA).substring(0, 12);
        String reference = RunSummary.sha256("A Danish prince avenges his father.").substring(0, 12);

        assertThat(md).contains("| T › graded() | ✅ passed | scoresAtLeast: rating 4 (default) · rubric `" + rubric
                        + "` · reference answer `" + reference + "` |")
                .contains("| T › plain() | ✅ passed | scoresAtLeast: rating 4 (default) |")
                .contains("· rubric `" + criteria + "` · 3 reference answers |")
                .contains("### Rubrics and reference answers")
                .contains("- rubric `" + rubric + "` (154 characters): \"[Is the summary accurate and concise?] Score 1: Wrong."
                        + " Score 2: Mostly wrong. Score 3: Partly right. Score 4: Right but wordy. Score 5: Right and concise.\""
                        + " — used by T › graded(), scoresAtLeast\n")
                .contains("- rubric `" + criteria + "` (38 characters): \"" + CRITERIA + "\" — used by T › set(),"
                        + " isPreferredOverBaseline (3 judgments)\n")
                .contains("- reference answer `" + RunSummary.sha256("Reference of case 3.").substring(0, 12)
                        + "` (20 characters): \"Reference of case 3.\" — used by T › set(), isPreferredOverBaseline\n");
    }

    @Test
    void aLongRubricIsShortenedAndManyReferenceAnswersAreCounted() {
        List<JudgmentEntry> samples = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            samples.add(graded("scoresAtLeast[sample " + i + "]", "x".repeat(400), "reference " + i));
        }
        List<TestEntry> tests = List.of(new TestEntry("[class:T]/[method:many()]", "com.example.T", "many()", Status.PASSED,
                samples, List.of()));
        String md = RunSummaryMarkdown.render(new RunSummary(RunSummaries.totals(tests, 0, 0), tests));

        assertThat(md).contains("(400 characters): \"" + "x".repeat(160) + "…\" — used by T › many(), scoresAtLeast (25 judgments)")
                .contains("- … and 5 more distinct reference answers (each judgment's is in summary.json)");
        assertThat(md.lines().filter(l -> l.startsWith("- reference answer `"))).hasSize(20);
    }
}
