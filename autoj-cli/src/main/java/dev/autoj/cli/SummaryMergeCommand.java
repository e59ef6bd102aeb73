package dev.autoj.cli;

import dev.autoj.cli.eval.InputException;
import dev.autoj.engine.report.RunSummaries;
import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.report.Figures;
import dev.autoj.engine.report.RunSummaryMarkdown;
import dev.autoj.engine.report.SummaryFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code autoj summary merge}: one run summary from the summaries of CI shards (each machine ran part
 * of the tests). Tests are matched by id: a test in two summaries with the same entry is kept once,
 * with different entries it is an error naming the test and both files. Totals are recomputed, judge
 * times and replay misses summed, store keys unioned (so {@code autoj store prune --used-by} keeps
 * what any shard used).
 *
 * <pre>{@code
 * int exit = Main.commandLine().execute("summary", "merge", "--out", "merged", "a/summary.json", "b/summary.json");
 * // merged/summary.json and merged/summary.md, ready for autoj gate --current merged/summary.json
 * }</pre>
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merge the run summaries of CI shards into DIR/summary.json and DIR/summary.md.",
            "Tests are matched by id; the same test with different results in two summaries is an error.",
            "Exit codes: 0 merged, 1 a summary is missing or malformed or two disagree, 2 a wrong command line,",
            "3 the output cannot be written."})
final class SummaryMergeCommand extends AutojCommand {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the folder to write summary.json and summary.md into (created when missing)")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "SUMMARY", description = "the shards' summary.json files")
    List<Path> summaries;

    @Override
    void execute() {
        List<RunSummary> parts = new ArrayList<>();
        for (Path file : summaries) {
            try {
                parts.add(RunSummary.read(file));
            } catch (SummaryFormatException e) {
                throw new InputException(file, e.line(), e.problem(), e.fix(), e);
            }
        }
        RunSummary merged;
        try {
            merged = RunSummaries.merge(parts, RunSummaries.Duplicates.FAIL);
        } catch (RunSummaries.ConflictException e) {
            throw new InputException(summaries.get(e.secondPart()), 0, "test " + e.testId() + " is also in "
                    + summaries.get(e.firstPart()) + " with a different result", "merge the summaries of shards that ran"
                    + " different tests; a test run twice is reported by one of them only (rerun the shard, or leave one summary out)", e);
        }
        try {
            Files.createDirectories(out);
            write(out.resolve("summary.json"), merged.toJson() + "\n");
            write(out.resolve("summary.md"), RunSummaryMarkdown.render(merged));
        } catch (IOException e) {
            throw new OutputException("cannot write the merged summary to " + out + ": " + e.getMessage(), e);
        }
        out().printf("merged %d summaries: %s, %d passed, %d failed, %d aborted -> %s%n", parts.size(),
                Figures.count(merged.totals().tests(), "test"), merged.totals().passed(), merged.totals().failed(),
                merged.totals().aborted(), out.resolve("summary.json"));
    }

    /** Atomically, and with the mode the umask gives (an artefact uploader may run as another user). */
    private static void write(Path target, String content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
