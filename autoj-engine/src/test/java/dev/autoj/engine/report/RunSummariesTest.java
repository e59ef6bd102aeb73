package dev.autoj.engine.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.report.RunSummary.JudgmentEntry;
import dev.autoj.engine.report.RunSummary.Status;
import dev.autoj.engine.report.RunSummary.StoreKeys;
import dev.autoj.engine.report.RunSummary.TestEntry;
import dev.autoj.engine.report.RunSummary.Totals;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSummariesTest {

    private static JudgmentEntry comparison(Verdict original, Verdict swapped, boolean consistent, String source) {
        return new JudgmentEntry("isPreferredOver", "preferred", Protocol.PAIRWISE, "code_generation", consistent, "both",
                Arrays.asList(original, swapped), consistent ? original : Verdict.TIE, consistent, null, null, source, 10, List.of());
    }

    private static JudgmentEntry rating(Double rating, String noVerdict, String warning) {
        return new JudgmentEntry("scoresAtLeast", "at least 7", Protocol.SINGLE, "general", rating != null && rating >= 7, null, null,
                null, null, rating, noVerdict, "live:remote", 5, warning == null ? List.of() : List.of(warning));
    }

    private static TestEntry test(String name, Status status, JudgmentEntry... judgments) {
        return new TestEntry("[class:T]/[method:" + name + "()]", "com.example.T", name + "()", status, List.of(judgments), List.of());
    }

    private static RunSummary part(long judgeTime, int misses, List<String> keys, TestEntry... tests) {
        return new RunSummary(new Totals(0, 0, 0, 0, 0, 0, 0, 0, judgeTime, 0, misses, 0, 0), List.of(tests),
                new StoreKeys(keys, List.of()));
    }

    @Test
    void totalsAreRecomputedFromTheTestsAndStoreKeysUnioned() {
        RunSummary a = part(100, 1, List.of("k1", "k2"),
                test("b", Status.PASSED, comparison(Verdict.RESPONSE_1, Verdict.RESPONSE_2, true, "replay:recorded")),
                test("a", Status.FAILED, rating(3.0, null, "a warning")));
        RunSummary b = part(50, 0, List.of("k2", "k3"),
                test("c", Status.ABORTED, comparison(Verdict.RESPONSE_1, Verdict.RESPONSE_1, false, "live:remote")),
                test("d", Status.PASSED, rating(null, "no rating", null)));

        RunSummary merged = RunSummaries.merge(List.of(a, b), RunSummaries.Duplicates.FAIL);

        assertThat(merged.tests()).extracting(TestEntry::name).containsExactly("a()", "b()", "c()", "d()");
        assertThat(merged.totals()).isEqualTo(new Totals(4, 2, 1, 1, 4, 2, 1, 1, 150, 2, 1, 1, 0));
        assertThat(merged.storeKeys().judgments()).containsExactly("k1", "k2", "k3");
        assertThat(RunSummaryMarkdown.render(merged)).contains("4 tests: 2 passed, 1 failed, 1 aborted")
                .contains("| T › c() | ⏭ aborted | isPreferredOver: response preferred when the response is shown first,"
                        + " baseline preferred when it is shown second: position flip (code_generation) ✗ |")
                .contains("| T › d() | ✅ passed | scoresAtLeast: no verdict (general) ✗ |");
    }

    @Test
    void anIdenticalDuplicateCountsOnceAndADifferentOneFailsOrIsReplacedByTheLaterPart() {
        TestEntry passed = test("a", Status.PASSED, rating(8.0, null, null));
        TestEntry failed = test("a", Status.FAILED, rating(2.0, null, null));

        assertThat(RunSummaries.merge(List.of(part(0, 0, List.of(), passed), part(0, 0, List.of(), passed)),
                RunSummaries.Duplicates.FAIL).tests()).hasSize(1);
        assertThatThrownBy(() -> RunSummaries.merge(List.of(part(0, 0, List.of(), passed), part(0, 0, List.of(), failed)),
                RunSummaries.Duplicates.FAIL))
                .isInstanceOfSatisfying(RunSummaries.ConflictException.class, e -> {
                    assertThat(e.testId()).isEqualTo(passed.id());
                    assertThat(e.firstPart()).isZero();
                    assertThat(e.secondPart()).isEqualTo(1);
                });
        RunSummary rerun = RunSummaries.merge(List.of(part(0, 0, List.of(), failed), part(0, 0, List.of(), passed)),
                RunSummaries.Duplicates.LATER_WINS);
        assertThat(rerun.tests()).containsExactly(passed);
        assertThat(rerun.totals().failed()).isZero();
    }
}
