package dev.autoj.cli.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.cli.gate.GateDelta.Change;
import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.report.SetDecision;
import dev.autoj.engine.report.SummaryFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateDeltaTest {

    @TempDir
    Path dir;

    @Test
    void aTestThatPassedAndNowFailsIsANewLoss() {
        GateDelta delta = delta(new String[] {"T.a=passed", "T.b=passed"}, new String[] {"T.a=failed", "T.b=passed"});

        assertThat(delta.newLosses()).isEqualTo(1);
        assertThat(delta.of(Change.NEW_LOSS)).singleElement().satisfies(e -> {
            assertThat(e.displayName()).isEqualTo("T › a()");
            assertThat(e.baseline().status()).isEqualTo(RunSummary.Status.PASSED);
            assertThat(e.current().status()).isEqualTo(RunSummary.Status.FAILED);
        });
        assertThat(delta.passes(0)).isFalse();
        assertThat(delta.passes(1)).isTrue();
        assertThat(delta.markdown(0)).contains("**Gate failed**: 1 new loss, more than the 0 allowed.")
                .contains("| ❌ new loss | T › a() | passed | failed |")
                .doesNotContain("T › b()");
    }

    @Test
    void aNewTestThatFailsIsANewLossAndANewTestThatPassesIsAdded() {
        GateDelta delta = delta(new String[] {"T.a=passed"}, new String[] {"T.a=passed", "T.b=failed", "T.c=passed"});

        assertThat(delta.of(Change.NEW_LOSS)).extracting(GateDelta.Entry::displayName).containsExactly("T › b()");
        assertThat(delta.of(Change.ADDED)).extracting(GateDelta.Entry::displayName).containsExactly("T › c()");
        assertThat(delta.markdown(0)).contains("| ❌ new loss | T › b() | — | failed |");
    }

    @Test
    void aFixedLossIsNoLossAndTheGatePasses() {
        GateDelta delta = delta(new String[] {"T.a=failed", "T.b=failed"}, new String[] {"T.a=passed", "T.b=failed"});

        assertThat(delta.newLosses()).isZero();
        assertThat(delta.count(Change.FIXED)).isEqualTo(1);
        assertThat(delta.count(Change.STILL_FAILING)).isEqualTo(1);
        assertThat(delta.markdown(0)).contains("**Gate passed**: 0 new losses, 0 allowed.")
                .contains("| ✅ fixed | T › a() | failed | passed |")
                .contains("| ⚠️ still failing | T › b() | failed | failed |");
    }

    @Test
    void unchangedRunsHaveNoDeltaRows() {
        GateDelta delta = delta(new String[] {"T.a=passed", "T.b=passed"}, new String[] {"T.b=passed", "T.a=passed"});

        assertThat(delta.entries()).hasSize(2).allMatch(e -> e.change() == Change.STILL_PASSING);
        assertThat(delta.markdown(0)).contains("**Gate passed**: 0 new losses")
                .contains("2 still passing")
                .contains("No test changed and none fails.")
                .doesNotContain("| Change |");
    }

    @Test
    void removedAndSkippedTestsAreListedButAreNoLosses() {
        GateDelta delta = delta(new String[] {"T.a=passed", "T.gone=failed", "T.b=passed"},
                new String[] {"T.a=aborted", "T.b=passed"});

        assertThat(delta.newLosses()).isZero();
        assertThat(delta.of(Change.REMOVED)).extracting(GateDelta.Entry::displayName).containsExactly("T › gone()");
        assertThat(delta.of(Change.SKIPPED)).extracting(GateDelta.Entry::displayName).containsExactly("T › a()");
        assertThat(delta.markdown(0)).contains("| ➖ removed | T › gone() | failed | — |")
                .contains("| ⏭️ skipped | T › a() | passed | aborted |");
    }

    @Test
    void aTestSkippedInTheBaselineThatFailsNowIsANewLoss() {
        GateDelta delta = delta(new String[] {"T.a=aborted"}, new String[] {"T.a=failed"});

        assertThat(delta.newLosses()).isEqualTo(1);
    }

    @Test
    void rowsListLossesFirstThenFixesThenKnownFailures() {
        GateDelta delta = delta(new String[] {"T.z=passed", "T.y=failed", "T.x=failed"},
                new String[] {"T.x=failed", "T.y=passed", "T.z=failed"});

        assertThat(delta.entries()).extracting(GateDelta.Entry::change)
                .containsExactly(Change.NEW_LOSS, Change.FIXED, Change.STILL_FAILING);
    }

    @Test
    void aPipeInATestNameCannotBreakTheTable() {
        Path base = Summaries.writeText(dir, "base.json", """
                {"format":"autoj-summary/1","tests":[{"id":"x","class":"com.example.T","name":"[1] a|b\\nc","status":"passed"}]}""");
        Path now = Summaries.writeText(dir, "now.json", """
                {"format":"autoj-summary/1","tests":[{"id":"x","class":"com.example.T","name":"[1] a|b\\nc","status":"failed"}]}""");

        assertThat(GateDelta.between(RunSummary.read(base), RunSummary.read(now)).markdown(0))
                .contains("| ❌ new loss | T › [1] a\\|b c | passed | failed |");
    }

    @Test
    void aSummaryOfAnotherFormatVersionIsRefusedNamingTheVersions() {
        Path file = Summaries.writeText(dir, "v2.json", "{\"format\":\"autoj-summary/2\",\"tests\":[]}");

        assertThatThrownBy(() -> RunSummary.read(file)).isInstanceOf(SummaryFormatException.class)
                .hasMessage(file + ": has format \"autoj-summary/2\", but this autoj reads autoj-summary/1; compare summaries"
                        + " written by the same autoj version as this command (or upgrade autoj)");
    }

    @Test
    void malformedSummariesNameTheFileAndWhatIsWrong() {
        Path broken = Summaries.writeText(dir, "broken.json", "{\"format\":\"autoj-summary/1\",\n\"tests\":[{\"id\":");
        Path noStatus = Summaries.writeText(dir, "nostatus.json", "{\"format\":\"autoj-summary/1\",\"tests\":[{\"id\":\"x\"}]}");
        Path badStatus = Summaries.writeText(dir, "badstatus.json",
                "{\"format\":\"autoj-summary/1\",\"tests\":[{\"id\":\"x\",\"status\":\"red\"}]}");
        Path twice = Summaries.writeText(dir, "twice.json",
                "{\"format\":\"autoj-summary/1\",\"tests\":[{\"id\":\"x\",\"status\":\"passed\"},{\"id\":\"x\",\"status\":\"failed\"}]}");
        Path notSummary = Summaries.writeText(dir, "other.json", "[1, 2]");

        assertThatThrownBy(() -> RunSummary.read(broken)).hasMessageStartingWith(broken + " line 2: not valid JSON (");
        assertThatThrownBy(() -> RunSummary.read(noStatus)).hasMessageStartingWith(noStatus + ": tests[0] has no \"status\"");
        assertThatThrownBy(() -> RunSummary.read(badStatus))
                .hasMessage(badStatus + ": tests[0] has the status \"red\"; a test's status is passed, failed or aborted");
        assertThatThrownBy(() -> RunSummary.read(twice)).hasMessageStartingWith(twice + ": tests[1] repeats the id \"x\"");
        assertThatThrownBy(() -> RunSummary.read(notSummary)).hasMessageStartingWith(notSummary + ": is not a JSON object");
        assertThatThrownBy(() -> RunSummary.read(dir.resolve("absent.json")))
                .hasMessageStartingWith(dir.resolve("absent.json") + ": no such file; pass a summary.json");
    }

    @Test
    void setLevelDecisionsOfBothRunsAreShownSideBySideForTheSameTest() {
        // The figures of Auto-J's published Summarization verdicts (CandidatesAssertTest): the human-preferred
        // responses as candidates pass, response 1 as candidate is inconclusive.
        SetDecision passing = new SetDecision("isPreferredOverBaseline", SetDecision.Decision.PASS,
                "sign test p = 0.0005 < α = 0.050", new SetDecision.Counts(61, 61, 37, 11, 13, 0, 9),
                new SetDecision.Mean(0.6844, 0.5994), new SetDecision.WinShare(37 / 61.0, 0.481, 0.719),
                new SetDecision.SignTest(0.000468), 0.05, 35, List.of());
        SetDecision inconclusive = new SetDecision("isPreferredOverBaseline", SetDecision.Decision.INCONCLUSIVE,
                "more wins than losses, but sign test p = 0.3470 ≥ α = 0.050", new SetDecision.Counts(72, 72, 31, 14, 27, 0, 12),
                new SetDecision.Mean(0.5382, 0.4539), new SetDecision.WinShare(31 / 72.0, 0.3226, 0.5456),
                new SetDecision.SignTest(0.3470), 0.05, 1628, List.of());
        Path base = summary("base.json", RunSummary.Status.PASSED, passing);
        Path now = summary("now.json", RunSummary.Status.ABORTED, inconclusive);

        String md = GateDelta.between(RunSummary.read(base), RunSummary.read(now)).markdown(0);

        assertThat(md).contains("\n### Set-level decisions\n\n| Test | Assertion | Baseline | Current |\n")
                .contains("| SetTest › summaries() | isPreferredOverBaseline | **PASS** · 61 cases: 37 W / 11 T / 13 L / 0 undecided"
                        + " · 9 flips · mean 0.684 (≥ 0.599) · win share 60.7% (48.1%–71.9%) · p = 0.0005 | **INCONCLUSIVE**"
                        + " · 72 cases: 31 W / 14 T / 27 L / 0 undecided · 12 flips · mean 0.538 (≥ 0.454) · win share 43.1%"
                        + " (32.3%–54.6%) · p = 0.3470 |");
    }

    @Test
    void aSummaryWrittenByThePreviousVersionGatesAsItDidThen() throws IOException {
        // summary.json as autoj at 4901925 wrote it (SetEntry, before SetDecision): a sign test, an SPRT that
        // stopped early and a non-inferiority decision on Auto-J's published Summarization verdicts (judgments
        // trimmed to one per test); the expected Markdown is what that version's gate printed for it.
        Path old = dir.resolve("old.json");
        try (var in = GateDeltaTest.class.getResourceAsStream("/dev/autoj/engine/report/summary-1-4901925.json")) {
            Files.copy(in, old);
        }
        String expected;
        try (var in = GateDeltaTest.class.getResourceAsStream("gate-summary-1-4901925.md")) {
            expected = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        RunSummary read = RunSummary.read(old);

        assertThat(GateDelta.between(read, read).markdown(0)).isEqualTo(expected);
        assertThat(read.tests().get(1).setComparisons().get(0).method())
                .isEqualTo(new SetDecision.Sequential(-3.218875824868201, -2.9444389791664403, 2.9444389791664403, "testbed-1"));
    }

    private Path summary(String name, RunSummary.Status status, SetDecision set) {
        RunSummary summary = new RunSummary(new RunSummary.Totals(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
                List.of(new RunSummary.TestEntry("[engine:junit-jupiter]/[class:com.example.SetTest]/[method:summaries()]",
                        "com.example.SetTest", "summaries()", status, List.of(), List.of(set))));
        return Summaries.writeText(dir, name, summary.toJson());
    }

    private GateDelta delta(String[] baseline, String[] current) {
        return GateDelta.between(RunSummary.read(Summaries.write(dir, "base.json", baseline)),
                RunSummary.read(Summaries.write(dir, "current.json", current)));
    }
}
