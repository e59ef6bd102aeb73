package dev.autoj.engine.report;

import static dev.autoj.engine.report.Figures.count;

import dev.autoj.engine.report.RunSummary.AnswerUse;
import dev.autoj.engine.report.RunSummary.JudgmentEntry;
import dev.autoj.engine.report.RunSummary.TestEntry;
import dev.autoj.engine.report.RunSummary.Totals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code summary.md}, rendered from a {@link RunSummary} document alone: the JUnit extension writes it
 * at the end of a run, after merging the parts of a forked run, and {@code autoj summary merge} writes
 * it for merged CI shards, so the three always read alike.
 *
 * <pre>{@code
 * String md = RunSummaryMarkdown.render(RunSummary.read(Path.of("target/autoj/summary.json")));
 * }</pre>
 */
public final class RunSummaryMarkdown {

    /** Distinct warnings listed per set-level assertion: replayed records each carry their own note. */
    private static final int SET_WARNINGS_SHOWN = 5;
    /** Distinct rubrics (and reference answers) listed: a set of cases can have one reference answer per case. */
    private static final int CRITERIA_SHOWN = 20;
    /** Characters of a rubric or reference answer shown; the whole text is in summary.json. */
    private static final int CRITERIA_START = 160;
    /** Hex digits of a text's SHA-256 that name it in summary.md. */
    private static final int HASH_SHOWN = 12;

    private RunSummaryMarkdown() {
    }

    /** The whole Markdown page: totals, one row per test, set-level decisions, answers, notes and warnings. */
    public static String render(RunSummary summary) {
        Totals totals = summary.totals();
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
        for (TestEntry t : summary.tests()) {
            md.append("| ").append(cell(title(t))).append(" | ")
                    .append(switch (t.status()) {
                        case PASSED -> "✅ passed";
                        case FAILED -> "❌ failed";
                        default -> "⏭ aborted";
                    }).append(" | ").append(cell(judgmentsCell(t))).append(" |\n");
        }
        sets(summary, md);
        criteria(summary, md);
        answers(summary, md);
        warnings(summary, md);
        return md.toString();
    }

    /** One section per set-level assertion, with every figure of its decision. */
    private static void sets(RunSummary summary, StringBuilder md) {
        if (summary.totals().setComparisons() == 0) {
            return;
        }
        md.append("\n### Set-level decisions\n");
        for (TestEntry t : summary.tests()) {
            for (SetDecision s : t.setComparisons()) {
                // An inconclusive decision aborts its test, unless autoj.inconclusive=fail made it fail.
                md.append("\n#### ").append(title(t)).append(", ").append(s.assertion()).append(": ")
                        .append(SetDecisionText.outcome(s.decision(), t.status() == RunSummary.Status.FAILED)).append("\n\n");
                md.append(SetDecisionText.table(s));
            }
        }
    }

    /**
     * Each distinct rubric and reference answer, named by the start of its SHA-256 (as the test rows name them), with
     * its start and the assertions that used it; the cases of a set, or the samples of a pass rate, count as one use.
     */
    private static void criteria(RunSummary summary, StringBuilder md) {
        Map<String, Use> rubrics = new LinkedHashMap<>();
        Map<String, Use> references = new LinkedHashMap<>();
        for (TestEntry t : summary.tests()) {
            for (JudgmentEntry j : t.judgments()) {
                String user = title(t) + ", " + j.assertion().replaceFirst("\\[[^\\]]*]$", "");
                if (j.rubric() != null) {
                    rubrics.computeIfAbsent(j.rubricSha256(), k -> new Use(j.rubric(), new LinkedHashMap<>())).users()
                            .merge(user, 1, Integer::sum);
                }
                if (j.referenceAnswer() != null) {
                    references.computeIfAbsent(j.referenceAnswerSha256(), k -> new Use(j.referenceAnswer(), new LinkedHashMap<>()))
                            .users().merge(user, 1, Integer::sum);
                }
            }
        }
        if (rubrics.isEmpty() && references.isEmpty()) {
            return;
        }
        md.append("\n### Rubrics and reference answers\n\n");
        listCriteria("rubric", "rubrics", rubrics, md);
        listCriteria("reference answer", "reference answers", references, md);
    }

    /** A rubric or reference answer and the assertions (test › assertion) that used it, with how many judgments. */
    private record Use(String text, Map<String, Integer> users) {
    }

    private static void listCriteria(String kind, String kinds, Map<String, Use> uses, StringBuilder md) {
        uses.entrySet().stream().limit(CRITERIA_SHOWN).forEach(e -> {
            String text = e.getValue().text();
            String flat = text.strip().replaceAll("\\s+", " ");
            md.append("- ").append(kind).append(" `").append(e.getKey(), 0, HASH_SHOWN).append("` (")
                    .append(count(text.length(), "character")).append("): \"")
                    .append(flat.length() > CRITERIA_START ? flat.substring(0, CRITERIA_START) + "…" : flat).append("\" — used by ");
            List<String> users = new ArrayList<>();
            e.getValue().users().forEach((user, n) -> users.add(user + (n > 1 ? " (" + count(n, "judgment") + ")" : "")));
            md.append(String.join("; ", users)).append('\n');
        });
        if (uses.size() > CRITERIA_SHOWN) {
            md.append("- … and ").append(uses.size() - CRITERIA_SHOWN).append(" more distinct ").append(kinds)
                    .append(" (each judgment's is in summary.json)\n");
        }
    }

    /** ` · rubric `3fa4c1d2e5b6`` and ` · reference answer `…``: the texts a judgment was judged under, by hash. */
    private static String criteriaBrief(List<JudgmentEntry> judgments) {
        StringBuilder brief = new StringBuilder();
        judgments.stream().map(JudgmentEntry::rubricSha256).filter(Objects::nonNull).distinct()
                .forEach(h -> brief.append(" · rubric `").append(h, 0, HASH_SHOWN).append('`'));
        List<String> references = judgments.stream().map(JudgmentEntry::referenceAnswerSha256).filter(Objects::nonNull)
                .distinct().toList();
        if (references.size() == 1) {
            brief.append(" · reference answer `").append(references.get(0), 0, HASH_SHOWN).append('`');
        } else if (!references.isEmpty()) {
            brief.append(" · ").append(references.size()).append(" reference answers");
        }
        return brief.toString();
    }

    /** Each judgment whose judged texts were answers of a model under test, then the provenance notes, counted. */
    private static void answers(RunSummary summary, StringBuilder md) {
        List<String> rows = new ArrayList<>();
        Map<String, Integer> notes = new LinkedHashMap<>();
        for (TestEntry t : summary.tests()) {
            for (JudgmentEntry j : t.judgments()) {
                for (AnswerUse a : j.answers()) {
                    rows.add("| " + cell(title(t)) + " | " + cell(j.assertion()) + " | " + a.role() + " | " + cell(a.model()) + " | "
                            + a.served() + " | " + cell(a.source()) + " | " + a.recordedAt() + " | `"
                            + a.key().substring(0, Math.min(12, a.key().length())) + "` |");
                }
                j.notes().stream().filter(Objects::nonNull).distinct()
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

    /** Every judgment with warnings; the cases of a set-level assertion as one entry per set, with counts. */
    private static void warnings(RunSummary summary, StringBuilder md) {
        if (summary.totals().withWarnings() == 0) {
            return;
        }
        md.append("\n### Warnings\n\n");
        for (TestEntry t : summary.tests()) {
            Map<String, Map<String, Integer>> perSet = new LinkedHashMap<>();
            for (JudgmentEntry j : t.judgments()) {
                if (j.warnings().isEmpty()) {
                    continue;
                }
                String set = setOf(t, j);
                if (set != null) {
                    j.warnings().forEach(w -> perSet.computeIfAbsent(set, k -> new LinkedHashMap<>()).merge(w, 1, Integer::sum));
                    continue;
                }
                md.append("- ").append(title(t)).append(", ").append(j.assertion()).append(":\n");
                j.warnings().forEach(w -> md.append("  - ").append(w.replace("\n", " ")).append('\n'));
            }
            perSet.forEach((set, warnings) -> {
                md.append("- ").append(title(t)).append(", ").append(set).append(" (set-level; cases with the warning in brackets):\n");
                warnings.entrySet().stream().limit(SET_WARNINGS_SHOWN).forEach(w -> md.append("  - ")
                        .append(w.getKey().replace("\n", " ")).append(" (").append(count(w.getValue(), "case")).append(")\n"));
                if (warnings.size() > SET_WARNINGS_SHOWN) {
                    md.append("  - … and ").append(warnings.size() - SET_WARNINGS_SHOWN)
                            .append(" more distinct warnings (each case's are in summary.json)\n");
                }
            });
        }
    }

    /** The set-level assertion a case judgment belongs to ({@code isPreferredOverBaseline[case]}), else null. */
    private static String setOf(TestEntry t, JudgmentEntry j) {
        return t.setComparisons().stream().map(SetDecision::assertion).filter(a -> j.assertion().startsWith(a + "["))
                .findFirst().orElse(null);
    }

    /** The judgments of one test in a table cell; the cases of a set-level assertion are counted, not listed. */
    private static String judgmentsCell(TestEntry t) {
        if (t.judgments().isEmpty() && t.setComparisons().isEmpty()) {
            return "—";
        }
        List<String> parts = new ArrayList<>();
        for (JudgmentEntry j : t.judgments()) {
            if (setOf(t, j) != null) {
                continue;
            }
            String what;
            if (j.verdicts() != null && j.verdicts().size() == 2) {
                what = Figures.byRole(j.verdicts().get(0), j.verdicts().get(1));
            } else if (j.noVerdict() != null) {
                what = "no verdict";
            } else if (j.rating() != null) {
                what = "rating " + Figures.rating(j.rating());
            } else {
                what = "verdict " + j.combined();
            }
            parts.add(j.assertion() + ": " + what + " (" + j.scenario() + ")" + criteriaBrief(List.of(j)) + (j.passed() ? "" : " ✗"));
        }
        for (SetDecision s : t.setComparisons()) {
            parts.add(SetDecisionText.line(s) + criteriaBrief(t.judgments().stream()
                    .filter(j -> j.assertion().startsWith(s.assertion() + "[")).toList()));
        }
        return String.join("<br>", parts);
    }

    private static String title(TestEntry t) {
        return simpleName(t.className()) + " › " + t.name();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
