package dev.autoj.cli.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.cli.eval.InputException;
import dev.autoj.cli.gate.GateDelta.Change;
import java.nio.file.Path;
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
            assertThat(e.baseline().status()).isEqualTo(TestResult.Status.PASSED);
            assertThat(e.current().status()).isEqualTo(TestResult.Status.FAILED);
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

        assertThatThrownBy(() -> RunSummary.read(file)).isInstanceOf(InputException.class)
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

    private GateDelta delta(String[] baseline, String[] current) {
        return GateDelta.between(RunSummary.read(Summaries.write(dir, "base.json", baseline)),
                RunSummary.read(Summaries.write(dir, "current.json", current)));
    }
}
