package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.answers.AnswerRequest;
import dev.autoj.engine.answers.AnswerStore;
import dev.autoj.engine.answers.Recorder;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code store import-testbed}, {@code verify}, {@code stats} and {@code prune}, and replaying the imported store
 * through the judge.
 */
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
        assertThat(verify.out()).contains("All 3005 judgment files and 0 answer files in " + store + " are good.");
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
        assertThat(run.errorLine()).isEqualTo("autoj store: name what to do: import-testbed, verify, stats, prune or bench"
                + " (see 'autoj store --help')");
    }

    @Test
    void aMissingStoreOrTestbedFolderIsBadInputNamedOnOneLine() {
        Path nowhere = dir.resolve("nowhere");
        for (String command : new String[] {"verify", "stats", "prune"}) {
            CliRun run = command.equals("prune")
                    ? store(command, "--store", nowhere.toString(), "--used-by", dir.resolve("summary.json").toString())
                    : store(command, "--store", nowhere.toString());
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

    // ---- answers in verify and stats, and prune ---------------------------------------------------

    /**
     * A small store for prune: judgment files copied from the imported testbed store with their shard
     * markers — shard A holds {@code jA1} and {@code jA2}, shard B only {@code jB}, shard C only {@code jC} —
     * and three answers recorded through the engine's recorder.
     */
    private record PruneStore(Path dir, String jA1, String jA2, String jB, String jC, String a1, String a2, String a3) {

        Path judgment(String key) {
            return dir.resolve(JudgmentStore.relativeFile(key));
        }

        Path answer(String key) {
            return dir.resolve(AnswerStore.relativeFile(key));
        }

        Path marker(String key) {
            return dir.resolve(JudgmentStore.SHARD_MARKERS).resolve(key.substring(0, 2));
        }

        /** Every file and folder in the store, relative, for a before/after comparison. */
        List<String> listing() throws Exception {
            try (Stream<Path> all = Files.walk(dir)) {
                return all.map(p -> dir.relativize(p).toString()).sorted().toList();
            }
        }
    }

    private PruneStore pruneStore(String name) throws Exception {
        Path small = dir.resolve(name);
        Map<Path, List<Path>> byShard = JudgmentStore.open(store).files().stream()
                .collect(Collectors.groupingBy(Path::getParent, java.util.TreeMap::new, Collectors.toList()));
        List<List<Path>> shards = List.copyOf(byShard.values());
        List<Path> chosen = List.of(shards.get(0).get(0), shards.get(0).get(1), shards.get(1).get(0), shards.get(2).get(0));
        for (Path f : chosen) {
            Path target = small.resolve(store.relativize(f));
            Files.createDirectories(target.getParent());
            Files.copy(f, target);
            Path marker = small.resolve(JudgmentStore.SHARD_MARKERS).resolve(f.getParent().getFileName().toString());
            Files.createDirectories(marker.getParent());
            if (!Files.exists(marker)) {
                Files.createFile(marker);
            }
        }
        Recorder recorder = Recorder.using(StoreMode.RECORD, small);
        String[] answerKeys = new String[3];
        for (int i = 0; i < 3; i++) {
            String query = "What is " + i + " + 1?";
            String text = (i + 1) + ".";
            assertThat(recorder.answer("support-bot", query, () -> text)).isEqualTo(text);
            answerKeys[i] = AnswerStore.key(AnswerRequest.of("support-bot", query));
        }
        List<String> keys = chosen.stream().map(f -> f.getFileName().toString().replace(".json", "")).toList();
        PruneStore ps = new PruneStore(small, keys.get(0), keys.get(1), keys.get(2), keys.get(3), answerKeys[0], answerKeys[1],
                answerKeys[2]);
        assertThat(ps.answer(ps.a3())).exists();
        // The keys are fixed: a3 sits alone in its shard folder, which pruning it empties.
        assertThat(ps.a3().substring(0, 2)).isNotIn(ps.a1().substring(0, 2), ps.a2().substring(0, 2));
        return ps;
    }

    private static RunSummary.Totals totals(int judgments, int replayHits, int replayMisses) {
        return new RunSummary.Totals(1, 1, 0, 0, judgments, 0, 0, 0, 0, replayHits, replayMisses, 0, 0);
    }

    private Path summary(String name, RunSummary summary) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, summary.toJson());
        return file;
    }

    private Path summary(String name, List<String> judgments, List<String> answers) throws Exception {
        return summary(name, new RunSummary(totals(judgments.size(), judgments.size(), 0), List.of(),
                new RunSummary.StoreKeys(judgments, answers)));
    }

    @Test
    void pruneKeepsWhatAnyOfTheGivenRunsUsedAndRemovesTheRestWithTheShardItEmpties() throws Exception {
        PruneStore ps = pruneStore("prune-store");
        Path stray = ps.answer(ps.a3()).resolveSibling("notes.txt");
        Files.writeString(stray, "not an answer");
        long freed = Files.size(ps.judgment(ps.jA2())) + Files.size(ps.judgment(ps.jB())) + Files.size(ps.answer(ps.a3()));
        Path shard1 = summary("shard-1.json", List.of(ps.jA1()), List.of(ps.a1()));
        Path shard2 = summary("shard-2.json", List.of(ps.jC()), List.of(ps.a2()));

        CliRun prune = store("prune", "--store", ps.dir().toString(), "--used-by", shard1.toString(), shard2.toString());

        assertThat(prune.exitCode()).as(prune.err()).isZero();
        String shardB = ps.jB().substring(0, 2);
        assertThat(prune.out()).startsWith(ps.dir() + ": the 2 runs used 2 judgment keys and 2 answer keys.\n")
                .contains("remove " + JudgmentStore.relativeFile(ps.jA2()) + "\n", "remove " + JudgmentStore.relativeFile(ps.jB()) + "\n",
                        "remove " + AnswerStore.relativeFile(ps.a3()) + "\n",
                        "remove " + shardB + "/ (left empty) and its marker .shards/" + shardB + "\n",
                        "left in place, not a store entry: " + ps.dir().relativize(stray) + "\n")
                .endsWith("Kept 2 judgments and 2 answers; removed 2 judgments and 1 answer, 1 shard folder ("
                        + String.format(java.util.Locale.ROOT, "%.1f KiB", freed / 1024.0) + " freed).\n")
                .doesNotContain(ps.jA1(), ps.jC(), ps.a1(), ps.a2(), dir.toAbsolutePath().toString() + "/prune-store/");
        assertThat(List.of(ps.judgment(ps.jA1()), ps.judgment(ps.jC()), ps.answer(ps.a1()), ps.answer(ps.a2()), stray,
                ps.marker(ps.jA1()), ps.marker(ps.jC()))).allSatisfy(p -> assertThat(p).exists());
        assertThat(List.of(ps.judgment(ps.jA2()), ps.judgment(ps.jB()), ps.answer(ps.a3()), ps.dir().resolve(shardB),
                ps.marker(ps.jB()))).allSatisfy(p -> assertThat(p).doesNotExist());

        CliRun verify = store("verify", "--store", ps.dir().toString());
        assertThat(verify.out()).doesNotContain("shard folder is missing");
        // The stray file is the only thing verify still reports.
        assertThat(verify.out().lines().filter(l -> l.startsWith("BAD "))).containsExactly("BAD " + stray
                + ": not an answer file (expected answers/ab/<64 hex digits>.json)");
        Files.delete(stray);
        CliRun clean = store("verify", "--store", ps.dir().toString());
        assertThat(clean.exitCode()).as(clean.out()).isZero();
        assertThat(clean.out()).contains("All 2 judgment files and 2 answer files in " + ps.dir() + " are good.");
    }

    @Test
    void aDryRunListsWhatWouldGoAndRemovesNothing() throws Exception {
        PruneStore ps = pruneStore("dry-run-store");
        List<String> before = ps.listing();
        Path used = summary("dry-run.json", List.of(ps.jA1(), ps.jC()), List.of(ps.a1(), ps.a2()));

        CliRun prune = store("prune", "--store", ps.dir().toString(), "--used-by", used.toString(), "--dry-run");

        assertThat(prune.exitCode()).as(prune.err()).isZero();
        String shardB = ps.jB().substring(0, 2);
        assertThat(prune.out()).contains("would remove " + JudgmentStore.relativeFile(ps.jA2()) + "\n",
                        "would remove " + JudgmentStore.relativeFile(ps.jB()) + "\n", "would remove " + AnswerStore.relativeFile(ps.a3()) + "\n",
                        "would remove " + shardB + "/ (left empty) and its marker .shards/" + shardB + "\n",
                        "would remove answers/" + ps.a3().substring(0, 2) + "/ (left empty)\n")
                .contains("Dry run: kept 2 judgments and 2 answers; would remove 2 judgments and 1 answer, 2 shard folders (")
                .endsWith(" would be freed); nothing was removed.\n");
        assertThat(ps.listing()).isEqualTo(before);
    }

    @Test
    void aSummaryThatListsNoStoreKeysIsRefusedUnlessItsRunJudgedNothing() throws Exception {
        PruneStore ps = pruneStore("no-keys-store");
        List<String> before = ps.listing();
        Path good = summary("good.json", List.of(ps.jA1(), ps.jA2(), ps.jB(), ps.jC()), List.of(ps.a1(), ps.a2()));
        com.fasterxml.jackson.databind.node.ObjectNode old = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(good));
        old.remove("store_keys");
        Path older = dir.resolve("older.json");
        Files.writeString(older, old.toPrettyString());
        Path live = summary("live.json", new RunSummary(totals(3, 0, 0), List.of(), RunSummary.StoreKeys.NONE));

        CliRun fromOlder = store("prune", "--store", ps.dir().toString(), "--used-by", good.toString(), older.toString());
        CliRun fromLive = store("prune", "--store", ps.dir().toString(), "--used-by", live.toString(), good.toString());

        assertThat(fromOlder.exitCode()).isEqualTo(1);
        assertThat(fromOlder.out()).isEmpty();
        assertThat(fromOlder.errorLine()).isEqualTo("autoj store prune: " + older + ": lists no store keys (a summary written by an"
                + " autoj version that did not list them), so it cannot say what its run read; nothing was removed; run the tests"
                + " again in replay or record mode with this autoj version and pass that run's summary.json");
        assertThat(fromLive.exitCode()).isEqualTo(1);
        assertThat(fromLive.errorLine()).isEqualTo("autoj store prune: " + live + ": lists no store keys although its run judged"
                + " (3 judgments): a live run (--mode live) reads no store; nothing was removed; pass the summary of a replay or"
                + " record run");
        assertThat(ps.listing()).isEqualTo(before);

        // A shard whose run judged nothing used nothing: it adds no key, and the other run's keys are kept.
        Path idle = summary("idle.json", new RunSummary(totals(0, 0, 0), List.of(), RunSummary.StoreKeys.NONE));
        CliRun withIdle = store("prune", "--store", ps.dir().toString(), "--used-by", good.toString(), idle.toString());
        assertThat(withIdle.exitCode()).as(withIdle.err()).isZero();
        assertThat(withIdle.out()).contains("Kept 4 judgments and 2 answers; removed 0 judgments and 1 answer, 1 shard folder (");
        assertThat(ps.answer(ps.a3())).doesNotExist();
        assertThat(ps.judgment(ps.jB())).exists();

        // That run alone would empty the store: refused.
        CliRun idleAlone = store("prune", "--store", ps.dir().toString(), "--used-by", idle.toString());
        assertThat(idleAlone.exitCode()).isEqualTo(1);
        assertThat(idleAlone.errorLine()).isEqualTo("autoj store prune: " + ps.dir() + ": none of the given runs used a store"
                + " entry, so pruning would remove all 6 of its entries; nothing was removed; check that --store is the store those"
                + " runs used (autoj.store.dir), or delete the folder yourself if emptying it is meant");
        assertThat(ps.judgment(ps.jB())).exists();
    }

    @Test
    void anUnreadableSummaryIsNamedAndNothingIsRemoved() throws Exception {
        PruneStore ps = pruneStore("unreadable-store");
        List<String> before = ps.listing();
        Path good = summary("readable.json", List.of(ps.jA1()), List.of(ps.a1()));
        Path truncated = dir.resolve("truncated.json");
        Files.writeString(truncated, Files.readString(good).substring(0, 40));
        Path missing = dir.resolve("no-such-summary.json");

        CliRun bad = store("prune", "--store", ps.dir().toString(), "--used-by", good.toString(), truncated.toString());
        CliRun gone = store("prune", "--store", ps.dir().toString(), "--used-by", good.toString(), missing.toString());

        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.errorLine()).startsWith("autoj store prune: " + truncated + " line ").contains(": not valid JSON (")
                .endsWith("; nothing was removed");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.errorLine()).startsWith("autoj store prune: " + missing + ": no such file;").endsWith("; nothing was removed");
        assertThat(ps.listing()).isEqualTo(before);
    }

    @Test
    void aRunWithReplayMissesOrTheKeysOfAnotherStoreIsRefused() throws Exception {
        PruneStore ps = pruneStore("refused-store");
        List<String> before = ps.listing();
        Path missed = summary("missed.json", new RunSummary(totals(1, 1, 2), List.of(),
                new RunSummary.StoreKeys(List.of(ps.jA1()), List.of())));
        Path other = summary("other-store.json", List.of("00".repeat(32)), List.of("ff".repeat(32)));

        CliRun withMisses = store("prune", "--store", ps.dir().toString(), "--used-by", missed.toString());
        CliRun elsewhere = store("prune", "--store", ps.dir().toString(), "--used-by", other.toString());

        assertThat(withMisses.exitCode()).isEqualTo(1);
        assertThat(withMisses.errorLine()).isEqualTo("autoj store prune: " + missed + ": its run had 2 replay misses, so its tests"
                + " may have stopped before reading all they need; nothing was removed; record what is missing, run the tests again"
                + " and prune with that run's summary.json");
        assertThat(elsewhere.exitCode()).isEqualTo(1);
        assertThat(elsewhere.errorLine()).startsWith("autoj store prune: " + ps.dir() + ": none of the 2 store keys the given runs"
                + " used is in this store, so pruning would remove all 7 of its entries; nothing was removed;");
        assertThat(ps.listing()).isEqualTo(before);
    }

    @Test
    void verifyListsATruncatedAnswerFileAsBad() throws Exception {
        PruneStore ps = pruneStore("bad-answer-store");
        Path truncated = ps.answer(ps.a2());
        Files.writeString(truncated, Files.readString(truncated).substring(0, 60));

        CliRun verify = store("verify", "--store", ps.dir().toString());

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out().lines().filter(l -> l.startsWith("BAD "))).singleElement().asString()
                .startsWith("BAD " + truncated + ": Damaged answer file " + truncated + ": ");
        assertThat(verify.errorLine()).isEqualTo("autoj store verify: " + ps.dir() + ": 1 of 3 answer files are bad (each listed"
                + " as BAD on stdout); restore them from version control, or delete them and record the answers again");
    }

    @Test
    void statsCountsRecordedAnswersPerModelUnderTestAndSource() throws Exception {
        PruneStore ps = pruneStore("stats-store");
        Recorder.using(StoreMode.RECORD, ps.dir()).answer("billing-bot", "Refund?", () -> "Yes.");

        CliRun stats = store("stats", "--store", ps.dir().toString());

        assertThat(stats.exitCode()).as(stats.err()).isZero();
        assertThat(stats.out()).contains("4 judgments in " + ps.dir(),
                "4 recorded answers in " + ps.dir().resolve("answers") + " (",
                "  model under test billing-bot: 1\n", "  model under test support-bot: 3\n", "  answer source live:generic: 4\n");
    }
}
