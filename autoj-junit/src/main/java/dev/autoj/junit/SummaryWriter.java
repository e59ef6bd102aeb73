package dev.autoj.junit;

import dev.autoj.assertions.JudgmentReport;
import dev.autoj.assertions.SetReport;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.report.RunSummary.SetEntry;
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
import java.util.Locale;

/**
 * Writes the end-of-run summary: {@code summary.json} (the engine's {@link RunSummary}, format
 * {@code autoj-summary/1}, compared by {@code autoj gate}) and {@code summary.md} for a CI comment.
 */
final class SummaryWriter {

    /** Distinct warnings listed per set-level assertion: replayed records each carry their own note. */
    private static final int SET_WARNINGS_SHOWN = 5;

    private final List<TestRecord> tests;
    private final RunSummary document;

    SummaryWriter(List<TestRecord> records, long judgeTimeMillis, int replayMisses) {
        this(records, judgeTimeMillis, replayMisses, RunSummary.StoreKeys.NONE);
    }

    SummaryWriter(List<TestRecord> records, long judgeTimeMillis, int replayMisses, RunSummary.StoreKeys storeKeys) {
        this.tests = new ArrayList<>(records);
        this.tests.sort(Comparator.comparing(t -> t.id));
        int passed = 0;
        int failed = 0;
        int aborted = 0;
        int judgments = 0;
        int comparisons = 0;
        int flips = 0;
        int noVerdicts = 0;
        int hits = 0;
        int withWarnings = 0;
        int sets = 0;
        List<TestEntry> entries = new ArrayList<>();
        for (TestRecord t : tests) {
            Status status = status(t);
            switch (status) {
                case PASSED -> passed++;
                case FAILED -> failed++;
                default -> aborted++;
            }
            for (JudgmentReport r : t.judgments) {
                judgments++;
                Comparison c = r.comparison();
                if (c != null && c.original().verdict() != null && c.swapped().verdict() != null) {
                    comparisons++;
                    if (!c.consistent()) {
                        flips++;
                    }
                }
                if (r.judgments().stream().anyMatch(Judgment::isNoVerdict)) {
                    noVerdicts++;
                }
                hits += (int) r.judgments().stream().filter(j -> j.provenance().isReplay()).count();
                if (!r.warnings().isEmpty()) {
                    withWarnings++;
                }
            }
            sets += t.sets.size();
            entries.add(new TestEntry(t.id, t.className, t.displayName, status,
                    t.judgments.stream().map(r -> JudgmentJson.summaryEntry(r, t.answers.getOrDefault(r, List.of()))).toList(),
                    t.sets.stream().map(SetReports::entry).toList()));
        }
        this.document = new RunSummary(new Totals(tests.size(), passed, failed, aborted, judgments, comparisons, flips,
                noVerdicts, judgeTimeMillis, hits, replayMisses, withWarnings, sets), entries, storeKeys);
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
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve("summary.json"), document.toJson() + "\n");
            writeAtomically(dir.resolve("summary.md"), markdown());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the autoj run summary to " + dir.toAbsolutePath()
                    + ": " + e.getMessage() + ". Set autoj.summary.dir to a writable folder.", e);
        }
    }

    String markdown() {
        Totals totals = document.totals();
        StringBuilder md = new StringBuilder("## Auto-J judged tests\n\n");
        md.append(String.format(Locale.ROOT, "%s: %d passed, %d failed%s · %s · "
                        + "position flips %d of %s (%.1f%%) · %d no-verdict · judge time %s · replay %s, %s%s%s%n%n",
                count(totals.tests(), "test"), totals.passed(), totals.failed(),
                totals.aborted() == 0 ? "" : ", " + totals.aborted() + " aborted",
                count(totals.judgments(), "judgment"), totals.positionFlips(), count(totals.comparisons(), "comparison"),
                totals.positionFlipRate() * 100, totals.noVerdicts(), seconds(totals.judgeTimeMillis()),
                count(totals.replayHits(), "hit"), count(totals.replayMisses(), "miss"),
                totals.setComparisons() == 0 ? "" : " · " + count(totals.setComparisons(), "set-level decision")
                        + " (listed below)",
                totals.withWarnings() == 0 ? "" : " · " + totals.withWarnings() + " with warnings (listed below)"));
        md.append("| Test | Result | Judgments |\n|---|---|---|\n");
        for (TestRecord t : tests) {
            md.append("| ").append(cell(simpleName(t.className) + " › " + t.displayName)).append(" | ")
                    .append(switch (status(t)) {
                        case PASSED -> "✅ passed";
                        case FAILED -> "❌ failed";
                        default -> "⏭ aborted";
                    }).append(" | ").append(cell(judgmentsCell(t))).append(" |\n");
        }
        sets(md);
        answers(md);
        warnings(md);
        return md.toString();
    }

    /** One section per set-level assertion, with every figure of its decision. */
    private void sets(StringBuilder md) {
        if (document.totals().setComparisons() == 0) {
            return;
        }
        md.append("\n### Set-level decisions\n");
        for (TestRecord t : tests) {
            for (SetReport r : t.sets) {
                md.append("\n#### ").append(simpleName(t.className)).append(" › ").append(t.displayName).append(", ")
                        .append(r.result().assertion()).append(": ").append(SetReports.outcome(r)).append("\n\n");
                md.append(SetReports.markdownTable(SetReports.entry(r)));
            }
        }
    }

    /**
     * The warnings section: every judgment with warnings (a judged text holding a verdict marker, a
     * marker the judge copied and the parser skipped, a verdict-only record), so that a reviewer sees
     * them without opening the report.
     */
    private void warnings(StringBuilder md) {
        if (document.totals().withWarnings() == 0) {
            return;
        }
        md.append("\n### Warnings\n\n");
        for (TestRecord t : tests) {
            // The cases of a set-level assertion share their warnings (e.g. every published label lacks a
            // critique): one entry per set with counts, not one per case.
            java.util.Map<String, java.util.Map<String, Integer>> perSet = new java.util.LinkedHashMap<>();
            for (JudgmentReport r : t.judgments) {
                if (r.warnings().isEmpty()) {
                    continue;
                }
                String set = setOf(t, r);
                if (set != null) {
                    r.warnings().forEach(w -> perSet.computeIfAbsent(set, k -> new java.util.LinkedHashMap<>()).merge(w, 1, Integer::sum));
                    continue;
                }
                md.append("- ").append(simpleName(t.className)).append(" › ").append(t.displayName).append(", ")
                        .append(r.assertion()).append(":\n");
                r.warnings().forEach(w -> md.append("  - ").append(w.replace("\n", " ")).append('\n'));
            }
            perSet.forEach((set, warnings) -> {
                md.append("- ").append(simpleName(t.className)).append(" › ").append(t.displayName).append(", ")
                        .append(set).append(" (set-level; cases with the warning in brackets):\n");
                warnings.entrySet().stream().limit(SET_WARNINGS_SHOWN).forEach(w -> md.append("  - ")
                        .append(w.getKey().replace("\n", " ")).append(" (").append(count(w.getValue(), "case")).append(")\n"));
                if (warnings.size() > SET_WARNINGS_SHOWN) {
                    md.append("  - … and ").append(warnings.size() - SET_WARNINGS_SHOWN)
                            .append(" more distinct warnings (each case's are in summary.json)\n");
                }
            });
        }
    }

    /**
     * Where the judged answers came from: for each judgment whose response or baseline was an answer of
     * a model under test, the answer's model, how it was served (replayed, recorded now, live), when
     * and from what it was recorded, and its store key; then the provenance notes of replayed judgments
     * (a published verdict label without a critique), counted, apart from the warnings.
     */
    private void answers(StringBuilder md) {
        List<String> rows = new ArrayList<>();
        java.util.Map<String, Integer> notes = new java.util.LinkedHashMap<>();
        for (TestRecord t : tests) {
            for (JudgmentReport r : t.judgments) {
                for (RunSummary.AnswerUse a : t.answers.getOrDefault(r, List.of())) {
                    rows.add("| " + cell(simpleName(t.className) + " › " + t.displayName) + " | " + cell(r.assertion()) + " | "
                            + a.role() + " | " + cell(a.model()) + " | " + a.served() + " | " + cell(a.source()) + " | " + a.recordedAt()
                            + " | `" + a.key().substring(0, 12) + "` |");
                }
                r.judgments().stream().map(j -> j.provenance().note()).filter(java.util.Objects::nonNull).distinct()
                        .forEach(n -> notes.merge(n.replaceAll(" line \\d+ ", " line … "), 1, Integer::sum));
            }
        }
        if (!rows.isEmpty()) {
            md.append("\n### Answers under test\n\n| Test | Assertion | Judged text | Model | Served | Recorded from | Recorded at | Key |\n"
                    + "|---|---|---|---|---|---|---|---|\n");
            rows.forEach(row -> md.append(row).append('\n'));
        }
        if (!notes.isEmpty()) {
            md.append("\n### Source notes\n\n");
            notes.forEach((note, n) -> md.append("- ").append(note.replace("\n", " ")).append(" (").append(count(n, "judgment")).append(")\n"));
        }
    }

    /** The set-level assertion a case judgment belongs to ({@code isPreferredOverBaseline[case]}), else null. */
    private static String setOf(TestRecord t, JudgmentReport r) {
        return t.sets.stream().map(s -> s.result().assertion()).filter(a -> r.assertion().startsWith(a + "["))
                .findFirst().orElse(null);
    }

    /**
     * The judgments of one test in a table cell. The cases of a set-level assertion are counted, not
     * listed: a set of a hundred cases would make the row unreadable, and its section below has the figures.
     */
    private static String judgmentsCell(TestRecord t) {
        if (t.judgments.isEmpty() && t.sets.isEmpty()) {
            return "—";
        }
        List<String> parts = new ArrayList<>();
        for (JudgmentReport r : t.judgments) {
            if (setOf(t, r) != null) {
                continue;
            }
            String what;
            if (r.comparison() != null) {
                what = JudgmentReporter.Messages.byRole(r.comparison());
            } else if (r.judgment().isNoVerdict()) {
                what = "no verdict";
            } else {
                what = "rating " + JudgmentReporter.Messages.rating(r.judgment().rating());
            }
            parts.add(r.assertion() + ": " + what + " (" + r.scenario().id() + ")" + (r.passed() ? "" : " ✗"));
        }
        for (SetReport s : t.sets) {
            SetEntry e = SetReports.entry(s);
            parts.add(e.assertion() + ": " + e.decision().toUpperCase(Locale.ROOT) + " over " + count(e.judged(), "judged case")
                    + ", " + e.wins() + " W / " + e.ties() + " T / " + e.losses() + " L / " + e.undecided() + " undecided"
                    + (s.passed() ? "" : " ✗"));
        }
        return String.join("<br>", parts);
    }

    static String count(int n, String noun) {
        return n + " " + (n == 1 ? noun : noun.endsWith("s") ? noun + "es" : noun + "s");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static void writeAtomically(Path target, String content) throws IOException {
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
