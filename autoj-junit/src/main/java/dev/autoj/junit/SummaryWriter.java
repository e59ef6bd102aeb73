package dev.autoj.junit;

import dev.autoj.assertions.SetReport;
import dev.autoj.engine.report.RunSummaries;
import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.report.RunSummaryMarkdown;
import dev.autoj.engine.report.RunSummary.Status;
import dev.autoj.engine.report.RunSummary.TestEntry;
import dev.autoj.engine.report.RunSummary.Totals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes the end-of-run summary: {@code summary.json} (the engine's {@link RunSummary}, format
 * {@code autoj-summary/1}, compared by {@code autoj gate}) and {@code summary.md} for a CI comment.
 */
final class SummaryWriter {

    private final List<TestRecord> tests;
    private final RunSummary document;

    SummaryWriter(List<TestRecord> records, long judgeTimeMillis, int replayMisses) {
        this(records, judgeTimeMillis, replayMisses, RunSummary.StoreKeys.NONE);
    }

    SummaryWriter(List<TestRecord> records, long judgeTimeMillis, int replayMisses, RunSummary.StoreKeys storeKeys) {
        this.tests = new ArrayList<>(records);
        this.tests.sort(Comparator.comparing(t -> t.id));
        List<TestEntry> entries = new ArrayList<>();
        for (TestRecord t : tests) {
            entries.add(new TestEntry(t.id, t.className, t.displayName, status(t),
                    t.judgments.stream().map(r -> JudgmentJson.summaryEntry(r, t.answers.getOrDefault(r, List.of()))).toList(),
                    t.sets.stream().map(SetReport::result).toList()));
        }
        // The counts come from the entries, as a merged run's do: one rule for both.
        this.document = new RunSummary(RunSummaries.totals(entries, judgeTimeMillis, replayMisses), entries, storeKeys);
    }

    /** A test still marked running when the run ends did not finish: it counts (and is written) as aborted. */
    private static Status status(TestRecord t) {
        return switch (t.status) {
            case PASSED -> Status.PASSED;
            case FAILED -> Status.FAILED;
            default -> Status.ABORTED;
        };
    }

    Totals totals() {
        return document.totals();
    }

    RunSummary document() {
        return document;
    }

    /** Writes both files into {@code dir} (created when missing), each atomically. */
    void write(Path dir) {
        write(dir, document);
    }

    /** Writes {@code summary.json} and {@code summary.md} of a summary into {@code dir} (created when missing), each atomically. */
    static void write(Path dir, RunSummary document) {
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve("summary.json"), document.toJson() + "\n");
            writeAtomically(dir.resolve("summary.md"), RunSummaryMarkdown.render(document));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the autoj run summary to " + dir.toAbsolutePath()
                    + ": " + e.getMessage() + ". Set autoj.summary.dir to a writable folder.", e);
        }
    }

    /** {@code summary.md}: rendered from the document alone, as a merged run's is. */
    String markdown() {
        return RunSummaryMarkdown.render(document);
    }

    static void writeAtomically(Path target, String content) throws IOException {
        // Not createTempFile: its mode is 0600 whatever the umask, and CI artefact uploaders running as
        // another user must read the summary; a plain new file gets the mode the umask gives (0644).
        Path temp = target.resolveSibling("." + target.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
