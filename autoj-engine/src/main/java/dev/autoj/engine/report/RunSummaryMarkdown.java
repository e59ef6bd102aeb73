package dev.autoj.engine.report;

import dev.autoj.engine.Verdict;
import dev.autoj.engine.report.RunSummary.AnswerUse;
import dev.autoj.engine.report.RunSummary.JudgmentEntry;
import dev.autoj.engine.report.RunSummary.SetEntry;
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
        answers(summary, md);
        warnings(summary, md);
        return md.toString();
    }

    /** The figures of one set-level decision as a two-column Markdown table. */
    public static String setTable(SetEntry e) {
        StringBuilder md = new StringBuilder("| figure | value |\n|---|---|\n");
        for (String[] row : setFigures(e)) {
            md.append("| ").append(row[0]).append(" | ").append(row[1].replace("|", "\\|")).append(" |\n");
        }
        return md.toString();
    }

    /** Name–value rows of every figure of a set-level decision, in the order of the assertion's message. */
    public static List<String[]> setFigures(SetEntry e) {
        String level = level(e.significance());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"cases", e.cases() + " given, " + e.judged() + " judged in both orders, " + e.decided()
                + " decided, " + e.undecided() + " undecided"});
        rows.add(new String[] {"wins / ties / losses / undecided", e.wins() + " / " + e.ties() + " / " + e.losses() + " / "
                + e.undecided()});
        rows.add(new String[] {"position flips", e.positionFlips() + " (won one order, lost the other; scored ½)"});
        rows.add(new String[] {"mean case score", num(e.meanScore()) + " (one-sided " + level + " lower bound "
                + num(e.meanScoreLowerBound()) + ")"});
        rows.add(new String[] {"win share", percent(e.winShare()) + " (" + level + " Wilson interval " + percent(e.winShareLow())
                + "–" + percent(e.winShareHigh()) + ")"});
        switch (e.method() == null ? "" : e.method()) {
            case "sign_test" -> rows.add(new String[] {"sign test", "p = " + pValue(e.pValue()) + " (exact one-sided, α = "
                    + num(e.significance()) + ")"});
            case "sequential" -> rows.add(new String[] {"SPRT", "LLR = " + num(e.llr()) + ", fail at ≤ " + num(e.llrLowerBound())
                    + ", pass at ≥ " + num(e.llrUpperBound()) + (e.decidedAt() == null ? "" : ", decided at case " + e.decidedAt())});
            case "non_inferiority" -> rows.add(new String[] {"non-inferiority", "margin " + num(e.margin())
                    + ": pass when the lower bound ≥ ½ − margin = " + num(0.5 - e.margin()) + " (α = " + num(e.significance()) + ")"});
            default -> {
            }
        }
        rows.add(new String[] {"cases needed", e.casesNeeded() < 0 ? "none would show it: the observed effect points the other way"
                : e.casesNeeded() + " decided cases for power 0.8"});
        rows.add(new String[] {"decision", e.decision().toUpperCase(Locale.ROOT) + " (" + e.reason() + ")"});
        return rows;
    }

    /**
     * {@code ✅ PASS}, {@code ❌ FAIL}, {@code ⏭ INCONCLUSIVE (test aborted)} or {@code ❌ INCONCLUSIVE (fails …)}:
     * an inconclusive decision fails its test only under {@code autoj.inconclusive=fail}, and aborts it otherwise.
     */
    public static String outcome(String decision, boolean inconclusiveFails) {
        return switch (decision.toLowerCase(Locale.ROOT)) {
            case "pass" -> "✅ PASS";
            case "fail" -> "❌ FAIL";
            default -> inconclusiveFails ? "❌ INCONCLUSIVE (fails the test: autoj.inconclusive=fail)" : "⏭ INCONCLUSIVE (test aborted)";
        };
    }

    /** One section per set-level assertion, with every figure of its decision. */
    private static void sets(RunSummary summary, StringBuilder md) {
        if (summary.totals().setComparisons() == 0) {
            return;
        }
        md.append("\n### Set-level decisions\n");
        for (TestEntry t : summary.tests()) {
            for (SetEntry s : t.setComparisons()) {
                // An inconclusive decision aborts its test, unless autoj.inconclusive=fail made it fail.
                md.append("\n#### ").append(title(t)).append(", ").append(s.assertion()).append(": ")
                        .append(outcome(s.decision(), t.status() == RunSummary.Status.FAILED)).append("\n\n");
                md.append(setTable(s));
            }
        }
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
        return t.setComparisons().stream().map(SetEntry::assertion).filter(a -> j.assertion().startsWith(a + "["))
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
                what = byRole(j.verdicts().get(0), j.verdicts().get(1));
            } else if (j.noVerdict() != null) {
                what = "no verdict";
            } else if (j.rating() != null) {
                what = "rating " + rating(j.rating());
            } else {
                what = "verdict " + j.combined();
            }
            parts.add(j.assertion() + ": " + what + " (" + j.scenario() + ")" + (j.passed() ? "" : " ✗"));
        }
        for (SetEntry s : t.setComparisons()) {
            parts.add(s.assertion() + ": " + s.decision().toUpperCase(Locale.ROOT) + " over " + count(s.judged(), "judged case")
                    + ", " + s.wins() + " W / " + s.ties() + " T / " + s.losses() + " L / " + s.undecided() + " undecided"
                    + (s.decision().equalsIgnoreCase("pass") ? "" : " ✗"));
        }
        return String.join("<br>", parts);
    }

    /** Both orders of a comparison in the words of the roles: the response is shown first in the original order. */
    public static String byRole(Verdict original, Verdict swapped) {
        String first = role(original, true);
        String second = role(swapped, false);
        if (first.equals(second)) {
            return first + " in both orders";
        }
        boolean flip = original != null && swapped != null;
        return first + " when the response is shown first, " + second + " when it is shown second" + (flip ? ": position flip" : "");
    }

    private static String role(Verdict v, boolean responseFirst) {
        if (v == null) {
            return "no verdict";
        }
        return switch (v) {
            case TIE -> "tie";
            case RESPONSE_1 -> responseFirst ? "response preferred" : "baseline preferred";
            case RESPONSE_2 -> responseFirst ? "baseline preferred" : "response preferred";
        };
    }

    /** A rating without a trailing {@code .0}. */
    public static String rating(double rating) {
        return rating == Math.rint(rating) ? String.valueOf((long) rating) : String.valueOf(rating);
    }

    /** {@code 1 test}, {@code 2 tests}, {@code 2 misses}. */
    public static String count(int n, String noun) {
        return n + " " + (n == 1 ? noun : noun.endsWith("s") ? noun + "es" : noun + "s");
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

    private static String num(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String pValue(double p) {
        return Double.isNaN(p) ? "n/a" : p < 0.0001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static String level(double alpha) {
        return Double.isNaN(alpha) ? "" : String.format(Locale.ROOT, "%.2f", (1 - alpha) * 100).replaceAll("\\.?0+$", "") + "%";
    }
}
