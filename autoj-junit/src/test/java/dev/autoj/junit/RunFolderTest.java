package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.assertions.fixtures.Testbed;
import dev.autoj.assertions.fixtures.Testbed.SingleItem;
import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.report.RunSummary.TestEntry;
import dev.autoj.engine.report.RunSummary.Totals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run across several JUnit launches (the forks of a build, here launches in one JVM that share a
 * run id): each launch writes its part of the summary, the summary is every part merged, and the
 * parts of an older run are cleared.
 */
class RunFolderTest {

    @TempDir
    Path dir;

    @ExtendWith(OnlyInTestKit.class)
    static class OtherClass {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(TestJudges::create);

        @Test
        void highRating() {
            SingleItem item = Testbed.single(0);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(1);
        }
    }

    private RunSummary launch(Path summaryDir, String runId, Class<?>... classes) {
        Launches.launch(summaryDir, Map.of("autoj.run.id", runId), classes);
        return RunSummary.read(summaryDir.resolve("summary.json"));
    }

    private static List<String> ids(RunSummary summary) {
        return summary.tests().stream().map(TestEntry::id).toList();
    }

    @Test
    void theSummaryOfEachLaunchOfARunHoldsEveryLaunchSoFarAndANewRunStartsAfresh() throws IOException {
        // The launched classes judge the testbed's items: without ../shared they abort, and so would the counts below.
        dev.autoj.assertions.fixtures.SharedFiles.testbed("testdata_pairwise.jsonl");
        Path summaryDir = dir.resolve("autoj");
        RunSummary first = launch(summaryDir, "build-1", RunSummaryTest.KnownOutcomes.class);
        assertThat(first.tests()).hasSize(4);

        RunSummary both = launch(summaryDir, "build-1", OtherClass.class);
        assertThat(both.tests()).as("the second launch of the run merged the first's part").hasSize(5);
        assertThat(ids(both)).containsAll(ids(first)).anyMatch(id -> id.contains("OtherClass"));
        // The totals are recomputed over both parts: 4 + 1 judgments, 6 + 1 replayed orders, 2 + 1 passed.
        Totals t = both.totals();
        assertThat(List.of(t.tests(), t.passed(), t.failed(), t.judgments(), t.comparisons(), t.positionFlips(), t.noVerdicts(),
                t.replayHits())).containsExactly(5, 3, 2, 5, 2, 1, 1, 7);
        assertThat(Files.readString(summaryDir.resolve("summary.md")))
                .contains("5 tests: 3 passed, 2 failed")
                .contains("RunFolderTest.OtherClass › highRating()")
                .contains("RunSummaryTest.KnownOutcomes › c_lowRating()");
        try (var parts = Files.list(summaryDir.resolve("run/parts"))) {
            assertThat(parts.count()).isEqualTo(2);
        }

        RunSummary next = launch(summaryDir, "build-2", OtherClass.class);
        assertThat(ids(next)).as("the parts of the older run are not merged into the new run's summary")
                .hasSize(1).allMatch(id -> id.contains("OtherClass"));
        try (var parts = Files.list(summaryDir.resolve("run/parts"))) {
            assertThat(parts.count()).as("and they were cleared").isEqualTo(1);
        }
        assertThat(Files.readString(summaryDir.resolve("run/run.properties"))).contains("id=build-2");
    }

    @Test
    void aRunOfOneLaunchHasTheSummaryOfARunOfItsOwn() {
        // The fixture judge imports the testbed into its store on first use; done here, outside any launch,
        // so that the import's keys are not counted as keys the first launch used (skips without ../shared).
        new dev.autoj.assertions.fixtures.PublishedJudge();
        RunSummary alone = launch(dir.resolve("alone"), "none", RunSummaryTest.KnownOutcomes.class);
        RunSummary asPart = launch(dir.resolve("part"), "build-1", RunSummaryTest.KnownOutcomes.class);
        assertThat(Files.exists(dir.resolve("alone/run"))).as("autoj.run.id=none makes no run folder").isFalse();
        assertThat(withoutJudgeTime(asPart).toJson()).isEqualTo(withoutJudgeTime(alone).toJson());
        assertThat(alone.tests()).hasSize(4);
    }

    private static RunSummary withoutJudgeTime(RunSummary s) {
        Totals t = s.totals();
        List<TestEntry> tests = new ArrayList<>();
        for (TestEntry e : s.tests()) {
            tests.add(new TestEntry(e.id(), e.className(), e.name(), e.status(), e.judgments().stream()
                    .map(j -> new RunSummary.JudgmentEntry(j.assertion(), j.expectation(), j.protocol(), j.scenario(), j.passed(),
                            j.positionPolicy(), j.verdicts(), j.combined(), j.consistent(), j.rating(), j.noVerdict(), j.source(), 0,
                            j.warnings(), j.notes(), j.answers(), j.rubric(), j.referenceAnswer())).toList(), e.setComparisons()));
        }
        return new RunSummary(new Totals(t.tests(), t.passed(), t.failed(), t.aborted(), t.judgments(), t.comparisons(),
                t.positionFlips(), t.noVerdicts(), 0, t.replayHits(), t.replayMisses(), t.withWarnings(), t.setComparisons()),
                tests, s.storeKeys());
    }

    @Test
    void anUnusableRunFolderFallsBackToARunOfItsOwn() throws IOException {
        Path summaryDir = dir.resolve("autoj");
        Files.createDirectories(summaryDir);
        Files.writeString(summaryDir.resolve("run"), "a file where the run folder would be");
        RunSummary summary = launch(summaryDir, "build-1", OtherClass.class);
        assertThat(summary.tests()).hasSize(1);
        assertThat(Files.isRegularFile(summaryDir.resolve("run"))).isTrue();
    }

    @Test
    void theMergedSummaryHasTheModeTheUmaskGivesNot0600() throws IOException {
        Path summaryDir = dir.resolve("autoj");
        launch(summaryDir, "build-1", OtherClass.class);
        Assumptions.assumeTrue(summaryDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path probe = Files.createFile(dir.resolve("probe"));
        Set<PosixFilePermission> umaskMode = Files.getPosixFilePermissions(probe);
        assertThat(Files.getPosixFilePermissions(summaryDir.resolve("summary.json"))).isEqualTo(umaskMode);
        assertThat(Files.getPosixFilePermissions(summaryDir.resolve("summary.md"))).isEqualTo(umaskMode);
    }

    @Test
    void aPartOfALaterLaunchReplacesTheEntryOfATestRunAgain() throws IOException {
        Path summaryDir = dir.resolve("autoj");
        launch(summaryDir, "build-1", OtherClass.class);
        RunSummary again = launch(summaryDir, "build-1", OtherClass.class);
        assertThat(again.tests()).as("one entry for the test run twice in the build").hasSize(1);
        assertThat(again.totals().tests()).isEqualTo(1);
    }

    @Test
    void mavenIsTheJvmRunningTheClassworldsLauncher() {
        assertThat(RunId.isMaven(List.of("-classpath", "/usr/share/maven/boot/plexus-classworlds-2.6.0.jar",
                "-Dclassworlds.conf=/usr/share/maven/bin/m2.conf", "-Dmaven.home=/usr/share/maven",
                "org.codehaus.plexus.classworlds.launcher.Launcher", "-B", "verify"))).isTrue();
        assertThat(RunId.isMaven(List.of("-jar", "/p/target/surefire/surefirebooter-1.jar", "/p/target/surefire"))).isFalse();
        assertThat(RunId.isMaven(List.of())).isFalse();
    }

    @Test
    void theRunIdIsTheSettingOrTheMavenAncestorOrNone() {
        assertThat(RunId.resolve("none")).isEmpty();
        RunId explicit = RunId.resolve("ci-job-42").orElseThrow();
        assertThat(explicit.id()).isEqualTo("ci-job-42");
        assertThat(explicit.ownerAlive()).as("the owner is the launcher or Maven, alive while this test runs").isTrue();

        RunId self = RunId.of(ProcessHandle.current());
        assertThat(self.id()).isEqualTo("maven-" + ProcessHandle.current().pid() + "-"
                + ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).map(String::valueOf).orElse("unknown"));
        // Under Maven (Surefire forks this JVM) the run is Maven's; launched otherwise (an IDE) there is none.
        assertThat(RunId.resolve("auto")).isEqualTo(RunId.mavenAncestor(ProcessHandle.current()).map(RunId::of));
        Assumptions.assumeTrue(System.getProperty("surefire.real.class.path") != null, "only under Surefire");
        RunId maven = RunId.resolve("auto").orElseThrow();
        assertThat(maven.ownerAlive()).isTrue();
        assertThat(ProcessHandle.current().parent().map(ProcessHandle::pid)
                .filter(p -> p == maven.ownerPid() || ProcessHandle.of(p).flatMap(ProcessHandle::parent)
                        .map(ProcessHandle::pid).filter(pp -> pp == maven.ownerPid()).isPresent())).isPresent();
    }
}
