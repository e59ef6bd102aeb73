package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.cli.gate.Summaries;
import dev.autoj.engine.report.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryMergeCommandTest {

    @TempDir
    Path dir;

    @Test
    void theShardsMergeIntoOneSummaryThatTheGateComparesTestByTest() throws Exception {
        Path shard1 = Summaries.write(dir, "shard1.json", "A.one=passed", "A.two=failed");
        Path shard2 = Summaries.write(dir, "shard2.json", "B.three=passed", "A.one=passed");
        Path out = dir.resolve("merged");

        CliRun run = CliRun.of("summary", "merge", "--out", out.toString(), shard1.toString(), shard2.toString());

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("merged 2 summaries: 3 tests, 2 passed, 1 failed, 0 aborted");
        RunSummary merged = RunSummary.read(out.resolve("summary.json"));
        assertThat(merged.tests()).extracting(RunSummary.TestEntry::name).containsExactly("one()", "two()", "three()");
        assertThat(merged.totals().tests()).as("the same test in two shards, alike, counts once").isEqualTo(3);
        assertThat(merged.totals().failed()).isEqualTo(1);
        assertThat(Files.readString(out.resolve("summary.md"))).contains("3 tests: 2 passed, 1 failed")
                .contains("| B › three() | ✅ passed | — |");

        // The gate against a baseline of all three: nothing removed.
        Path base = Summaries.write(dir, "base.json", "A.one=passed", "A.two=failed", "B.three=passed");
        CliRun gate = CliRun.of("gate", "--baseline", base.toString(), "--current", out.resolve("summary.json").toString());
        assertThat(gate.exitCode()).isZero();
        assertThat(gate.out()).contains("· 0 added · 0 removed ·");
    }

    @Test
    void aTestWithDifferentResultsInTwoShardsIsAnErrorNamingItAndBothFiles() {
        Path shard1 = Summaries.write(dir, "shard1.json", "A.one=passed");
        Path shard2 = Summaries.write(dir, "shard2.json", "A.one=failed");
        Path out = dir.resolve("merged");

        CliRun run = CliRun.of("summary", "merge", "--out", out.toString(), shard1.toString(), shard2.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).contains(shard2.toString()).contains(shard1.toString())
                .contains("[method:one()]").contains("different result");
        assertThat(out).doesNotExist();
    }

    @Test
    void aMissingSummaryIsNamed() {
        Path shard1 = Summaries.write(dir, "shard1.json", "A.one=passed");
        CliRun run = CliRun.of("summary", "merge", "--out", dir.resolve("m").toString(), shard1.toString(),
                dir.resolve("nope.json").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).contains("nope.json");
    }
}
