package dev.autoj.engine.report;

import dev.autoj.engine.report.RunSummary.JudgmentEntry;
import dev.autoj.engine.report.RunSummary.StoreKeys;
import dev.autoj.engine.report.RunSummary.TestEntry;
import dev.autoj.engine.report.RunSummary.Totals;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Merges run summaries into one: the parts that the forked test JVMs of one build write, or the
 * summaries of CI shards that ran on several machines ({@code autoj summary merge}).
 *
 * <p>Tests are matched by id. The counts of the merged totals are recomputed from its tests; the
 * judge time and the replay misses (which no test entry carries) are summed over the parts, and
 * store keys are unioned. Replay hits are counted from the entries: every order of a judgment
 * whose source is {@code replay:…}.
 *
 * <pre>{@code
 * RunSummary whole = RunSummaries.merge(List.of(shard1, shard2), RunSummaries.Duplicates.FAIL);
 * }</pre>
 */
public final class RunSummaries {

    private RunSummaries() {
    }

    /** What a test id found in two parts does. An identical entry is always taken once. */
    public enum Duplicates {
        /** Two different entries for one test are an error ({@link ConflictException}): shards that should not overlap. */
        FAIL,
        /** The entry of the later part replaces the earlier one: the same test run again within one build (a rerun). */
        LATER_WINS
    }

    /** Two parts hold different entries for the same test id. */
    public static final class ConflictException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String testId;
        private final int firstPart;
        private final int secondPart;

        ConflictException(String testId, int firstPart, int secondPart) {
            super("test " + testId + " is in part " + (firstPart + 1) + " and part " + (secondPart + 1) + " with different results");
            this.testId = testId;
            this.firstPart = firstPart;
            this.secondPart = secondPart;
        }

        /** The test's id. */
        public String testId() {
            return testId;
        }

        /** The index (from 0) of the first part holding it. */
        public int firstPart() {
            return firstPart;
        }

        /** The index (from 0) of the part with the other entry. */
        public int secondPart() {
            return secondPart;
        }
    }

    /**
     * One summary of all parts, in the order given (which matters only for {@link Duplicates#LATER_WINS}).
     *
     * @throws ConflictException under {@link Duplicates#FAIL} when a test id has two different entries
     */
    public static RunSummary merge(List<RunSummary> parts, Duplicates duplicates) {
        Map<String, TestEntry> tests = new LinkedHashMap<>();
        Map<String, Integer> partOf = new LinkedHashMap<>();
        TreeSet<String> judgmentKeys = new TreeSet<>();
        TreeSet<String> answerKeys = new TreeSet<>();
        long judgeTime = 0;
        int misses = 0;
        for (int i = 0; i < parts.size(); i++) {
            RunSummary part = parts.get(i);
            for (TestEntry t : part.tests()) {
                TestEntry earlier = tests.get(t.id());
                if (earlier != null && !earlier.equals(t) && duplicates == Duplicates.FAIL) {
                    throw new ConflictException(t.id(), partOf.get(t.id()), i);
                }
                tests.put(t.id(), t);
                partOf.put(t.id(), i);
            }
            judgmentKeys.addAll(part.storeKeys().judgments());
            answerKeys.addAll(part.storeKeys().answers());
            judgeTime += part.totals().judgeTimeMillis();
            misses += part.totals().replayMisses();
        }
        List<TestEntry> sorted = new ArrayList<>(tests.values());
        sorted.sort(Comparator.comparing(TestEntry::id));
        return new RunSummary(totals(sorted, judgeTime, misses), sorted,
                new StoreKeys(new ArrayList<>(judgmentKeys), new ArrayList<>(answerKeys)));
    }

    /** The totals of these tests, with the two figures no entry carries given. */
    public static Totals totals(List<TestEntry> tests, long judgeTimeMillis, int replayMisses) {
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
        for (TestEntry t : tests) {
            switch (t.status()) {
                case PASSED -> passed++;
                case FAILED -> failed++;
                default -> aborted++;
            }
            for (JudgmentEntry j : t.judgments()) {
                judgments++;
                boolean bothOrders = j.verdicts() != null && j.verdicts().size() == 2;
                if (bothOrders && j.verdicts().get(0) != null && j.verdicts().get(1) != null) {
                    comparisons++;
                    if (!Boolean.TRUE.equals(j.consistent())) {
                        flips++;
                    }
                }
                if (j.noVerdict() != null) {
                    noVerdicts++;
                }
                if (j.source() != null && j.source().startsWith("replay:")) {
                    hits += bothOrders ? 2 : 1;
                }
                if (!j.warnings().isEmpty()) {
                    withWarnings++;
                }
            }
            sets += t.setComparisons().size();
        }
        return new Totals(tests.size(), passed, failed, aborted, judgments, comparisons, flips, noVerdicts, judgeTimeMillis,
                hits, replayMisses, withWarnings, sets);
    }
}
