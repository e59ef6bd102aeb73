package dev.autoj.junit;

import dev.autoj.assertions.JudgmentReport;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judgment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-of-run summary: {@code summary.json} (format {@code autoj-summary/1}, documented in
 * docs/reports.md, compared by {@code autoj gate}) and {@code summary.md} for a CI comment.
 */
final class RunSummary {

    static final String FORMAT = "autoj-summary/1";

    /** Counts over the whole run. */
    record Totals(int tests, int passed, int failed, int aborted, int judgments, int comparisons, int positionFlips,
            int noVerdicts, long judgeTimeMillis, int replayHits, int replayMisses, int withWarnings) {

        double positionFlipRate() {
            return comparisons == 0 ? 0 : (double) positionFlips / comparisons;
        }
    }

    private final List<TestRecord> tests;
    private final Totals totals;

    RunSummary(List<TestRecord> records, long judgeTimeMillis, int replayMisses) {
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
        for (TestRecord t : tests) {
            switch (t.status) {
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
        }
        this.totals = new Totals(tests.size(), passed, failed, aborted, judgments, comparisons, flips, noVerdicts,
                judgeTimeMillis, hits, replayMisses, withWarnings);
    }

    Totals totals() {
        return totals;
    }

    /** Writes both files into {@code dir} (created when missing), each atomically. */
    void write(Path dir) {
        try {
            Files.createDirectories(dir);
            writeAtomically(dir.resolve("summary.json"), JudgmentJson.write(json()) + "\n");
            writeAtomically(dir.resolve("summary.md"), markdown());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the autoj run summary to " + dir.toAbsolutePath()
                    + ": " + e.getMessage() + ". Set autoj.summary.dir to a writable folder.", e);
        }
    }

    Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("tests", totals.tests());
        t.put("passed", totals.passed());
        t.put("failed", totals.failed());
        t.put("aborted", totals.aborted());
        t.put("judgments", totals.judgments());
        t.put("comparisons", totals.comparisons());
        t.put("position_flips", totals.positionFlips());
        t.put("position_flip_rate", round(totals.positionFlipRate()));
        t.put("no_verdicts", totals.noVerdicts());
        t.put("judge_time_ms", totals.judgeTimeMillis());
        t.put("replay_hits", totals.replayHits());
        t.put("replay_misses", totals.replayMisses());
        t.put("with_warnings", totals.withWarnings());
        root.put("totals", t);
        List<Map<String, Object>> list = new ArrayList<>();
        for (TestRecord record : tests) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", record.id);
            m.put("class", record.className);
            m.put("name", record.displayName);
            m.put("status", record.status.name().toLowerCase(Locale.ROOT));
            m.put("judgments", record.judgments.stream().map(JudgmentJson::summaryEntry).toList());
            list.add(m);
        }
        root.put("tests", list);
        return root;
    }

    String markdown() {
        StringBuilder md = new StringBuilder("## Auto-J judged tests\n\n");
        md.append(String.format(Locale.ROOT, "%s: %d passed, %d failed%s · %s · "
                        + "position flips %d of %s (%.1f%%) · %d no-verdict · judge time %s · replay %s, %s%s%n%n",
                count(totals.tests(), "test"), totals.passed(), totals.failed(),
                totals.aborted() == 0 ? "" : ", " + totals.aborted() + " aborted",
                count(totals.judgments(), "judgment"), totals.positionFlips(), count(totals.comparisons(), "comparison"),
                totals.positionFlipRate() * 100, totals.noVerdicts(), seconds(totals.judgeTimeMillis()),
                count(totals.replayHits(), "hit"), count(totals.replayMisses(), "miss"),
                totals.withWarnings() == 0 ? "" : " · " + totals.withWarnings() + " with warnings (listed below)"));
        md.append("| Test | Result | Judgments |\n|---|---|---|\n");
        for (TestRecord t : tests) {
            md.append("| ").append(cell(simpleName(t.className) + " › " + t.displayName)).append(" | ")
                    .append(switch (t.status) {
                        case PASSED -> "✅ passed";
                        case FAILED -> "❌ failed";
                        default -> "⏭ aborted";
                    }).append(" | ").append(cell(judgmentsCell(t))).append(" |\n");
        }
        warnings(md);
        return md.toString();
    }

    /**
     * The warnings section: every judgment with warnings (a judged text holding a verdict marker, a
     * marker the judge copied and the parser skipped, a verdict-only record), so that a reviewer sees
     * them without opening the report.
     */
    private void warnings(StringBuilder md) {
        if (totals.withWarnings() == 0) {
            return;
        }
        md.append("\n### Warnings\n\n");
        for (TestRecord t : tests) {
            for (JudgmentReport r : t.judgments) {
                if (r.warnings().isEmpty()) {
                    continue;
                }
                md.append("- ").append(simpleName(t.className)).append(" › ").append(t.displayName).append(", ")
                        .append(r.assertion()).append(":\n");
                r.warnings().forEach(w -> md.append("  - ").append(w.replace("\n", " ")).append('\n'));
            }
        }
    }

    private static String judgmentsCell(TestRecord t) {
        if (t.judgments.isEmpty()) {
            return "—";
        }
        List<String> parts = new ArrayList<>();
        for (JudgmentReport r : t.judgments) {
            String what;
            if (r.comparison() != null) {
                what = JudgmentReporter.Messages.order(r.comparison().original()) + " / "
                        + JudgmentReporter.Messages.order(r.comparison().swapped());
            } else if (r.judgment().isNoVerdict()) {
                what = "no verdict";
            } else {
                what = "rating " + JudgmentReporter.Messages.rating(r.judgment().rating());
            }
            parts.add(r.assertion() + ": " + what + " (" + r.scenario().id() + ")" + (r.passed() ? "" : " ✗"));
        }
        return String.join("<br>", parts);
    }

    private static String count(int n, String noun) {
        return n + " " + (n == 1 ? noun : noun.endsWith("s") ? noun + "es" : noun + "s");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static double round(double value) {
        return Math.round(value * 10000) / 10000.0;
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
