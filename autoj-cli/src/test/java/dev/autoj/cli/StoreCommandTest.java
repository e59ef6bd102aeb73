package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code store import-testbed}, {@code verify} and {@code stats}, and replaying the imported store through the judge. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreCommandTest {

    private Path dir;
    private Path testbed;
    private Path store;
    private CliRun imported;

    /** {@code autoj store ARGS}, through the main command as {@code java -jar autoj.jar} runs it. */
    static CliRun store(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "store";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(all);
    }

    @BeforeAll
    void importTheTestbedOnce(@TempDir Path tempDir) {
        dir = tempDir;
        testbed = SharedFiles.testbed("testdata_pairwise.jsonl").getParent();
        store = dir.resolve("autoj-store");
        imported = store("import-testbed", "--testbed", testbed.toString(), "--store", store.toString());
    }

    private Judge replayJudge() {
        return Judges.builder().modelId("GAIR/autoj-13b").store(JudgmentStore.open(store)).mode(StoreMode.REPLAY).build();
    }

    @Test
    void importTestbedWritesEveryDistinctPublishedPromptOnce() {
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        // 1392 items x 2 orders, where 11 prompts repeat with the same published label.
        assertThat(imported.out()).contains("2784 pairwise records (labels only), 232 single-response judgments;"
                + " 3005 files written, 11 already present.");
        assertThat(JudgmentStore.open(store).files()).hasSize(3005);
    }

    @Test
    void replayingThePairwiseTestbedThroughTheJudgeReproducesThePublishedAgreementAndConsistency() {
        List<AutoJTestbed.PairwiseItem> items = AutoJTestbed.pairwise(testbed);
        List<Comparison> comparisons;
        try (Judge judge = replayJudge()) {
            comparisons = judge.compareAll(items.stream()
                    .map(i -> new Judge.CompareRequest(i.query(), i.response1(), i.response2(), i.scenario())).toList());
        }
        int agree = 0;
        int consistent = 0;
        for (int i = 0; i < items.size(); i++) {
            Comparison c = comparisons.get(i);
            assertThat(c.original().verdict()).isEqualTo(items.get(i).original());
            assertThat(c.swapped().verdict()).isEqualTo(items.get(i).exchanged());
            consistent += c.consistent() ? 1 : 0;
            agree += c.consistent() && c.combined() == items.get(i).human() ? 1 : 0;
        }
        assertThat(String.format("%.2f / %.2f", 100.0 * agree / items.size(), 100.0 * consistent / items.size()))
                .isEqualTo("54.96 / 83.41");
    }

    @Test
    void replayedPairwiseJudgmentsSayThatOnlyTheLabelIsPublished() {
        AutoJTestbed.PairwiseItem item = AutoJTestbed.pairwise(testbed).get(0);
        try (Judge judge = replayJudge()) {
            Comparison c = judge.compare(item.query(), item.response1(), item.response2(), item.scenario());

            assertThat(c.original().source()).isEqualTo("replay:published:auto-j-testbed");
            assertThat(c.original().backend()).isEqualTo("published");
            assertThat(c.original().critique()).isEmpty();
            assertThat(c.original().rawOutput()).isEmpty();
            assertThat(c.original().provenance().note()).startsWith("Published label only");
            assertThat(c.original().warnings()).noneSatisfy(w -> assertThat(w).startsWith("Published label only"));
        }
    }

    @Test
    void replayedSingleJudgmentsCarryThePublishedCritiques() {
        List<AutoJTestbed.SingleItem> items = AutoJTestbed.single(testbed);
        List<Judgment> judgments;
        try (Judge judge = replayJudge()) {
            judgments = judge.gradeAll(items.stream().map(i -> new Judge.GradeRequest(i.query(), i.response(), i.scenario())).toList());
        }
        for (int i = 0; i < items.size(); i++) {
            assertThat(judgments.get(i).rawOutput()).isEqualTo(items.get(i).output());
            assertThat(judgments.get(i).source()).isEqualTo("replay:published:auto-j-testbed");
        }
        assertThat(judgments.get(0).rating()).isEqualTo(6.0);
        assertThat(judgments.get(185).isNoVerdict()).isTrue();
        assertThat(judgments).filteredOn(Judgment::isNoVerdict).hasSize(1);
    }

    @Test
    void verifyAcceptsTheImportedStore() {
        CliRun verify = store("verify", "--store", store.toString());

        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("All 3005 judgment files");
    }

    @Test
    void importingAgainChangesNoFile() throws Exception {
        Path someFile = JudgmentStore.open(store).files().get(7);
        byte[] before = Files.readAllBytes(someFile);

        CliRun again = store("import-testbed", "--testbed", testbed.toString(), "--store", store.toString());

        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("0 files written, 3016 already present");
        assertThat(Files.readAllBytes(someFile)).isEqualTo(before);
    }

    @Test
    void statsCountsProtocolsSourcesAndLabelOnlyRecords() {
        CliRun stats = store("stats", "--store", store.toString());

        assertThat(stats.exitCode()).isZero();
        assertThat(stats.out()).contains("3005 judgments", "protocol pairwise: 2773", "protocol single: 232",
                "source published:auto-j-testbed: 3005", "model GAIR/autoj-13b: 3005", "no verdict: 1",
                "verdict label only (no critique text): 2773");
    }

    @Test
    void verifyNamesEachBadFileAndExitsNonZero() throws Exception {
        Path small = dir.resolve("small-store");
        List<Path> files = JudgmentStore.open(store).files().subList(0, 3);
        for (Path f : files) {
            Path target = small.resolve(store.relativize(f));
            Files.createDirectories(target.getParent());
            Files.copy(f, target);
        }
        Path truncated = small.resolve(store.relativize(files.get(0)));
        Files.writeString(truncated, Files.readString(truncated).substring(0, 200));
        Path renamed = small.resolve(store.relativize(files.get(1)));
        Path misnamed = renamed.resolveSibling(renamed.getFileName().toString().replaceFirst("^(..)", "$1ff").substring(0, 64) + ".json");
        Files.move(renamed, misnamed);

        CliRun verify = store("verify", "--store", small.toString());

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out()).contains("BAD " + truncated + ": Damaged judgment file")
                .contains("BAD " + misnamed + ": ");
        assertThat(verify.errorLine()).isEqualTo("autoj store verify: " + small + ": 2 of 3 judgment files are bad (each listed"
                + " as BAD on stdout); restore them from version control, or delete them and record the judgments again");
    }

    @Test
    void aMissingSubcommandIsAUsageErrorOnOneLine() {
        CliRun run = store();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLine()).isEqualTo("autoj store: name what to do: import-testbed, verify, stats or bench"
                + " (see 'autoj store --help')");
    }

    @Test
    void aMissingStoreOrTestbedFolderIsBadInputNamedOnOneLine() {
        Path nowhere = dir.resolve("nowhere");
        for (String command : new String[] {"verify", "stats"}) {
            CliRun run = store(command, "--store", nowhere.toString());
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).isEmpty();
            assertThat(run.errorLine()).startsWith("autoj store " + command + ": " + nowhere + ": is not a folder;");
        }
        CliRun imp = store("import-testbed", "--testbed", nowhere.toString(), "--store", dir.resolve("new-store").toString());
        assertThat(imp.exitCode()).isEqualTo(1);
        assertThat(imp.errorLine()).startsWith("autoj store import-testbed: " + nowhere + ": is not a folder;")
                .contains("testdata_pairwise.jsonl");
        assertThat(dir.resolve("new-store")).doesNotExist();
    }

    @Test
    void benchRefusesNonPositiveSettingsAsAUsageError() {
        CliRun run = store("bench", "--store", store.toString(), "--testbed", testbed.toString(), "--threads", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLine()).startsWith("autoj store bench: --threads, --rounds and --batch must be at least 1");
    }
}
