package dev.autoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.cli.eval.InputException;
import dev.autoj.engine.answers.AnswerStore;
import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.report.SummaryFormatException;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code store prune}: removes the judgments and answers that no given run read.
 *
 * <p>The runs are named by their summaries ({@code target/autoj/summary.json}), which list the store
 * keys each run read or wrote; several summaries (CI shards) keep the union. Everything is checked
 * before anything is removed: a summary that cannot be read, that lists no keys although its run
 * judged (a summary written before keys were listed, a live run), or whose run had replay misses
 * (it stopped before reading all it needs) is refused, as are runs that used none of the store's
 * entries (the wrong store, or a prune that would empty it). Only store entries are removed
 * ({@code ab/<key>.json} and {@code answers/ab/<key>.json}, each in the shard folder its key names);
 * anything else in a shard folder is listed and left in place. A judgment shard folder left empty
 * is removed together with its {@code .shards/ab} marker, so that {@code store verify} does not
 * report it as a lost shard.
 *
 * <pre>{@code
 * int exit = Main.commandLine().execute("store", "prune", "--store", "src/test/autoj-store",
 *         "--used-by", "shard-1/summary.json", "shard-2/summary.json", "--dry-run");
 * }</pre>
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Remove the judgment and answer files that none of the given runs read or wrote: lists them, then"
                + " removes them (with --dry-run only lists them). Several summaries keep the union (CI shards).",
            "Refuses, removing nothing, when a summary cannot be read, lists no store keys although its run judged (a"
                + " summary of an older autoj, a live run), or had replay misses; and when the runs used none of the"
                + " store's entries. Files in shard folders that are not store entries are listed and left in place.",
            "Do not prune while a run records into the store."})
final class StorePruneCommand extends StoreFolderCommand {

    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHARD = Pattern.compile("[0-9a-f]{2}");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Written by a writer that places files by atomic move; store machinery, not content. */
    private static final String LOCK = ".lock";

    @Option(names = "--used-by", required = true, arity = "1..*", paramLabel = "SUMMARY",
            description = "summary.json of a run whose store entries are kept (target/autoj/summary.json); several: the union.")
    List<Path> summaries;

    @Option(names = "--dry-run", description = "List what would be removed and remove nothing.")
    boolean dryRun;

    @Override
    void execute() {
        judgments();
        Used used = used();
        Plan plan = plan(used);
        PrintWriter out = out();
        out.printf("%s: %s used %d judgment %s and %d answer %s.%n", store, summaries.size() == 1 ? "the run" : "the "
                + summaries.size() + " runs", used.judgments.size(), keys(used.judgments.size()), used.answers.size(),
                keys(used.answers.size()));
        int entries = plan.keptJudgments + plan.keptAnswers + plan.entries.size();
        if (entries > 0 && plan.keptJudgments + plan.keptAnswers == 0) {
            throw new InputException(store, 0, (used.judgments.isEmpty() && used.answers.isEmpty()
                    ? "none of the given runs used a store entry" : "none of the " + (used.judgments.size() + used.answers.size())
                    + " store keys the given runs used is in this store") + ", so pruning would remove all " + entries + " of its"
                    + " entries; nothing was removed", "check that --store is the store those runs used (autoj.store.dir), or"
                    + " delete the folder yourself if emptying it is meant");
        }
        String verb = dryRun ? "would remove " : "remove ";
        for (Path file : plan.entries) {
            out.println(verb + relative(file));
        }
        for (Path folder : plan.emptied) {
            out.println(verb + relative(folder) + "/ (left empty)" + (isJudgmentShard(folder)
                    ? " and its marker " + JudgmentStore.SHARD_MARKERS + "/" + folder.getFileName() : ""));
        }
        for (Path other : plan.others) {
            out.println("left in place, not a store entry: " + relative(other));
        }
        if (!dryRun) {
            remove(plan);
        }
        int missingJ = used.judgments.size() - plan.keptJudgments;
        int missingA = used.answers.size() - plan.keptAnswers;
        if (missingJ + missingA > 0) {
            out.printf("note: %d judgment and %d answer %s the runs used %s not in this store (recorded elsewhere, or removed"
                    + " already).%n", missingJ, missingA, keys(missingJ + missingA), missingJ + missingA == 1 ? "is" : "are");
        }
        String counts = String.format("kept %d %s and %d %s; %s %d %s and %d %s, %d shard %s (%s %s)",
                plan.keptJudgments, noun(plan.keptJudgments, "judgment"), plan.keptAnswers, noun(plan.keptAnswers, "answer"),
                dryRun ? "would remove" : "removed", plan.removedJudgments, noun(plan.removedJudgments, "judgment"),
                plan.removedAnswers(), noun(plan.removedAnswers(), "answer"), plan.emptied.size(),
                plan.emptied.size() == 1 ? "folder" : "folders", bytes(plan.bytes), dryRun ? "would be freed" : "freed");
        out.println(dryRun ? "Dry run: " + counts + "; nothing was removed." : Character.toUpperCase(counts.charAt(0))
                + counts.substring(1) + ".");
    }

    /** The keys the given runs used; refuses (nothing removed yet) on any summary that cannot vouch for its run. */
    private Used used() {
        Used used = new Used();
        for (Path file : summaries) {
            RunSummary summary;
            JsonNode root;
            try {
                summary = RunSummary.read(file);
                root = JSON.readTree(file.toFile());
            } catch (SummaryFormatException e) {
                throw new InputException(file, e.line(), e.problem(), e.fix() + "; nothing was removed", e);
            } catch (IOException e) {
                throw new InputException(file, 0, "cannot be read (" + e.getMessage() + ")", "check that it is a readable file;"
                        + " nothing was removed", e);
            }
            RunSummary.StoreKeys keys = summary.storeKeys();
            RunSummary.Totals totals = summary.totals();
            boolean judged = totals.judgments() > 0 || totals.setComparisons() > 0 || totals.replayHits() > 0
                    || summary.tests().stream().anyMatch(t -> !t.judgments().isEmpty() || !t.setComparisons().isEmpty());
            if (!root.has("store_keys")) {
                throw new InputException(file, 0, "lists no store keys (a summary written by an autoj version that did not list"
                        + " them), so it cannot say what its run read; nothing was removed", "run the tests again in replay or record"
                        + " mode with this autoj version and pass that run's summary.json");
            }
            if (keys.judgments().isEmpty() && keys.answers().isEmpty() && judged) {
                throw new InputException(file, 0, "lists no store keys although its run judged (" + totals.judgments() + " "
                        + noun(totals.judgments(), "judgment") + "): a live run (--mode live) reads no store; nothing was removed",
                        "pass the summary of a replay or record run");
            }
            if (totals.replayMisses() > 0) {
                throw new InputException(file, 0, "its run had " + totals.replayMisses() + " replay " + (totals.replayMisses() == 1
                        ? "miss" : "misses") + ", so its tests may have stopped before reading all they need; nothing was removed",
                        "record what is missing, run the tests again and prune with that run's summary.json");
            }
            used.judgments.addAll(keys.judgments());
            used.answers.addAll(keys.answers());
        }
        return used;
    }

    /** What to remove: unused entries, the shard folders they leave empty; and what is not an entry. */
    private Plan plan(Used used) {
        Plan plan = new Plan();
        for (Path shard : shards(store)) {
            scan(plan, shard, used.judgments, true);
        }
        Path answers = store.resolve(AnswerStore.FOLDER);
        if (Files.isDirectory(answers)) {
            for (Path shard : shards(answers)) {
                scan(plan, shard, used.answers, false);
            }
        }
        return plan;
    }

    private void scan(Plan plan, Path shard, Set<String> used, boolean judgments) {
        boolean removesAll = true;
        boolean removesSome = false;
        for (Path p : list(shard)) {
            String name = p.getFileName().toString();
            String key = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : "";
            boolean entry = Files.isRegularFile(p) && KEY.matcher(key).matches() && key.startsWith(shard.getFileName().toString());
            if (!entry) {
                if (!(name.equals(LOCK) && Files.isRegularFile(p))) {
                    plan.others.add(p);
                    removesAll = false;
                }
            } else if (used.contains(key)) {
                removesAll = false;
                if (judgments) {
                    plan.keptJudgments++;
                } else {
                    plan.keptAnswers++;
                }
            } else {
                removesSome = true;
                plan.entries.add(p);
                plan.bytes += size(p);
                if (judgments) {
                    plan.removedJudgments++;
                }
            }
        }
        if (removesSome && removesAll) {
            plan.emptied.add(shard);
        }
    }

    /** Entries first; then, per emptied shard: its lock file, its marker, the folder (a marker never outlives its folder). */
    private void remove(Plan plan) {
        int removed = 0;
        try {
            for (Path file : plan.entries) {
                Files.delete(file);
                removed++;
            }
            for (Path shard : plan.emptied) {
                Files.deleteIfExists(shard.resolve(LOCK));
                if (isJudgmentShard(shard)) {
                    Files.deleteIfExists(store.resolve(JudgmentStore.SHARD_MARKERS).resolve(shard.getFileName().toString()));
                }
                Files.delete(shard);
            }
            deleteIfEmpty(store.resolve(JudgmentStore.SHARD_MARKERS));
            deleteIfEmpty(store.resolve(AnswerStore.FOLDER));
        } catch (IOException e) {
            throw new OutputException("cannot finish pruning " + store + " after removing " + removed + " of " + plan.entries.size()
                    + " files: " + StoreFiles.why(e) + "; the entries still listed are intact, run the command again", e);
        }
    }

    private static void deleteIfEmpty(Path folder) throws IOException {
        if (Files.isDirectory(folder) && list(folder).isEmpty()) {
            Files.delete(folder);
        }
    }

    private boolean isJudgmentShard(Path folder) {
        return folder.getParent().equals(store);
    }

    /** A path relative to the store, with {@code /} as separator, so output is the same on every machine. */
    private String relative(Path p) {
        return store.relativize(p).toString().replace('\\', '/');
    }

    private static List<Path> shards(Path folder) {
        return list(folder).stream().filter(Files::isDirectory).filter(d -> SHARD.matcher(d.getFileName().toString()).matches()).toList();
    }

    private static List<Path> list(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new InputException(folder, 0, "cannot be listed (" + StoreFiles.why(e) + ")", "check the folder's permissions;"
                    + " nothing was removed", e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String bytes(long n) {
        return n < 1024 ? n + (n == 1 ? " byte" : " bytes") : String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }

    private static String keys(int n) {
        return n == 1 ? "key" : "keys";
    }

    private static String noun(int n, String singular) {
        return n == 1 ? singular : singular + "s";
    }

    /** The union of the keys the runs used. */
    private static final class Used {
        final Set<String> judgments = new TreeSet<>();
        final Set<String> answers = new TreeSet<>();
    }

    /** What a prune finds and does. */
    private static final class Plan {
        final List<Path> entries = new ArrayList<>();
        final List<Path> emptied = new ArrayList<>();
        final List<Path> others = new ArrayList<>();
        int keptJudgments;
        int keptAnswers;
        int removedJudgments;
        long bytes;

        int removedAnswers() {
            return entries.size() - removedJudgments;
        }
    }
}
