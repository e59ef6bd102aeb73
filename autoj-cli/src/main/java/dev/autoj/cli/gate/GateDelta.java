package dev.autoj.cli.gate;

import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.report.SetDecision;
import dev.autoj.engine.report.SetDecisionText;
import dev.autoj.engine.report.RunSummary.Status;
import dev.autoj.engine.report.RunSummary.TestEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a run's tests changed against a blessed baseline run (usually the main branch's), for a
 * merge gate: tests are matched by their JUnit unique id. Both runs are read as the engine's
 * {@link RunSummary} (format {@code autoj-summary/1}).
 *
 * <pre>{@code
 * GateDelta delta = GateDelta.between(RunSummary.read(baseline), RunSummary.read(current));
 * System.out.println(delta.markdown(0));
 * boolean mergeable = delta.newLosses() <= 0;
 * }</pre>
 *
 * @param entries one entry per test of either summary, grouped by change (losses first), then by id
 */
public record GateDelta(List<Entry> entries) {

    /** What happened to one test between the baseline and the current run. */
    public enum Change {
        /** Failing now, and not failing in the baseline (passed or skipped there), or new and failing. */
        NEW_LOSS("❌ new loss"),
        /** Failed in the baseline, passes now. */
        FIXED("✅ fixed"),
        /** Failed in both runs: a known loss, not new. */
        STILL_FAILING("⚠️ still failing"),
        /** Passes now; passed (or was skipped) in the baseline. */
        STILL_PASSING("still passing"),
        /** Only in the current run, and not failing. */
        ADDED("➕ added"),
        /** Only in the baseline. */
        REMOVED("➖ removed"),
        /** In both runs, and skipped (aborted by an assumption) now. */
        SKIPPED("⏭️ skipped");

        private final String label;

        Change(String label) {
            this.label = label;
        }

        /** The words used in the Markdown table. */
        public String label() {
            return label;
        }
    }

    /**
     * One test's change.
     *
     * @param baseline the test in the baseline, or null when it is new
     * @param current the test in the current run, or null when it was removed
     */
    public record Entry(Change change, TestEntry baseline, TestEntry current) {

        public Entry {
            Objects.requireNonNull(change, "change");
            if (baseline == null && current == null) {
                throw new IllegalArgumentException("an entry needs the test in at least one summary");
            }
        }

        /** The test's unique id. */
        public String id() {
            return current != null ? current.id() : baseline.id();
        }

        /** {@code PromptTest › newPromptWins()}, as the current run names it (else the baseline). */
        public String displayName() {
            return current != null ? current.displayName() : baseline.displayName();
        }
    }

    public GateDelta {
        entries = List.copyOf(entries);
    }

    /** Matches the tests of both summaries by id and classifies each (see {@link Change}). */
    public static GateDelta between(RunSummary baseline, RunSummary current) {
        Map<String, TestEntry> before = new LinkedHashMap<>();
        baseline.tests().forEach(t -> before.put(t.id(), t));
        List<Entry> entries = new ArrayList<>();
        for (TestEntry now : current.tests()) {
            TestEntry then = before.remove(now.id());
            entries.add(new Entry(classify(then, now), then, now));
        }
        before.values().forEach(then -> entries.add(new Entry(Change.REMOVED, then, null)));
        entries.sort(Comparator.comparing(Entry::change).thenComparing(Entry::id));
        return new GateDelta(entries);
    }

    private static Change classify(TestEntry then, TestEntry now) {
        return switch (now.status()) {
            case FAILED -> then != null && then.status() == Status.FAILED ? Change.STILL_FAILING : Change.NEW_LOSS;
            case PASSED -> then == null ? Change.ADDED
                    : then.status() == Status.FAILED ? Change.FIXED : Change.STILL_PASSING;
            case ABORTED -> then == null ? Change.ADDED : Change.SKIPPED;
        };
    }

    /** The number of new losses: the figure a gate compares with the allowed losses. */
    public int newLosses() {
        return count(Change.NEW_LOSS);
    }

    /** How many tests had {@code change}. */
    public int count(Change change) {
        return (int) entries.stream().filter(e -> e.change() == change).count();
    }

    /** The entries with {@code change}, by id. */
    public List<Entry> of(Change change) {
        return entries.stream().filter(e -> e.change() == change).toList();
    }

    /** True when the new losses do not exceed {@code allowedLosses}. */
    public boolean passes(int allowedLosses) {
        return newLosses() <= allowedLosses;
    }

    /**
     * The delta as Markdown for a pull-request comment: a heading, the gate's outcome, the counts,
     * and one table row per test that changed or still fails (tests that still pass are only counted).
     */
    public String markdown(int allowedLosses) {
        Map<Change, Integer> counts = new EnumMap<>(Change.class);
        for (Change c : Change.values()) {
            counts.put(c, count(c));
        }
        StringBuilder md = new StringBuilder("## Auto-J merge gate\n\n");
        int losses = newLosses();
        md.append(passes(allowedLosses) ? "**Gate passed**: " : "**Gate failed**: ")
                .append(losses).append(losses == 1 ? " new loss" : " new losses")
                .append(passes(allowedLosses) ? ", " + allowedLosses + " allowed." : ", more than the " + allowedLosses + " allowed.")
                .append("\n\n");
        List<String> parts = new ArrayList<>();
        counts.forEach((change, n) -> parts.add(n + " " + change.name().toLowerCase(Locale.ROOT).replace('_', ' ')));
        md.append(String.join(" · ", parts)).append("\n");
        List<Entry> shown = entries.stream().filter(e -> e.change() != Change.STILL_PASSING).toList();
        if (shown.isEmpty()) {
            md.append("\nNo test changed and none fails.\n");
        } else {
            md.append("\n| Change | Test | Baseline | Current |\n|---|---|---|---|\n");
            for (Entry e : shown) {
                md.append("| ").append(e.change().label())
                        .append(" | ").append(cell(e.displayName()))
                        .append(" | ").append(status(e.baseline()))
                        .append(" | ").append(status(e.current()))
                        .append(" |\n");
            }
        }
        setLevel(md);
        return md.toString();
    }

    /**
     * The set-level decisions of both runs side by side, for every test that made one in either
     * run, still-passing tests included: a mean score that dropped but still passes is worth seeing.
     * Decisions are matched by test id, assertion and their order within the test.
     */
    private void setLevel(StringBuilder md) {
        List<String> rows = new ArrayList<>();
        for (Entry e : entries.stream().sorted(Comparator.comparing(Entry::id)).toList()) {
            List<SetDecision> before = e.baseline() == null ? List.of() : e.baseline().setComparisons();
            List<SetDecision> now = e.current() == null ? List.of() : e.current().setComparisons();
            List<SetDecision> unmatched = new ArrayList<>(before);
            for (SetDecision current : now) {
                SetDecision then = unmatched.stream().filter(b -> b.assertion().equals(current.assertion())).findFirst().orElse(null);
                unmatched.remove(then);
                rows.add(row(e, current.assertion(), then, current));
            }
            unmatched.forEach(then -> rows.add(row(e, then.assertion(), then, null)));
        }
        if (rows.isEmpty()) {
            return;
        }
        md.append("\n### Set-level decisions\n\n| Test | Assertion | Baseline | Current |\n|---|---|---|---|\n");
        rows.forEach(md::append);
    }

    private static String row(Entry e, String assertion, SetDecision baseline, SetDecision current) {
        return "| " + cell(e.displayName()) + " | " + cell(assertion) + " | " + figures(baseline) + " | " + figures(current) + " |\n";
    }

    /** One decision in a cell ({@link SetDecisionText#cell}), or {@code —} when the run made none. */
    static String figures(SetDecision s) {
        return s == null ? "—" : cell(SetDecisionText.cell(s));
    }

    private static String status(TestEntry test) {
        return test == null ? "—" : test.status().name().toLowerCase(Locale.ROOT);
    }

    /** Test names are user text: a pipe or a line break would break the table. */
    private static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replaceAll("\\R", " ");
    }
}
