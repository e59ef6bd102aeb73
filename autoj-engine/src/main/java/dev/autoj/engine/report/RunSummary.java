package dev.autoj.engine.report;

import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The run summary document, format {@code autoj-summary/1} ({@code target/autoj/summary.json},
 * docs/reports.md): written by the autoj JUnit extension at the end of a run, read by
 * {@code autoj gate} and by any tool. This record and its JSON form are the one definition of
 * the format; fields are only ever added to it.
 *
 * <pre>{@code
 * RunSummary run = RunSummary.read(Path.of("target/autoj/summary.json"));
 * run.totals().failed();
 * run.tests().get(0).setComparisons().get(0).decision();   // PASS, FAIL or INCONCLUSIVE
 * String json = run.toJson();
 * }</pre>
 *
 * @param totals counts over the whole run
 * @param tests the tests, sorted by id when written by the extension
 * @param storeKeys the store entries the run read or wrote (what {@code autoj store prune --used-by} keeps)
 */
public record RunSummary(Totals totals, List<TestEntry> tests, StoreKeys storeKeys) {

    /** The one format version written and read. */
    public static final String FORMAT = "autoj-summary/1";

    public RunSummary {
        Objects.requireNonNull(totals, "totals");
        tests = List.copyOf(tests);
        storeKeys = storeKeys == null ? StoreKeys.NONE : storeKeys;
    }

    /** A summary that lists no store keys. */
    public RunSummary(Totals totals, List<TestEntry> tests) {
        this(totals, tests, StoreKeys.NONE);
    }

    /**
     * The keys of the store entries a run used, sorted: judgments replayed or recorded, answers of the
     * models under test replayed or recorded.
     *
     * @param judgments judgment keys ({@code ab/<key>.json} in the store)
     * @param answers answer keys ({@code answers/ab/<key>.json} in the store)
     */
    public record StoreKeys(List<String> judgments, List<String> answers) {
        /** No keys: a live run, or a summary written before keys were listed. */
        public static final StoreKeys NONE = new StoreKeys(List.of(), List.of());

        public StoreKeys {
            judgments = List.copyOf(new java.util.TreeSet<>(judgments));
            answers = List.copyOf(new java.util.TreeSet<>(answers));
        }
    }

    /**
     * Where a judged text came from when it was an answer of a model under test.
     *
     * @param role the text's role in the assertion: {@code response} or {@code baseline}
     * @param key the answer's store key
     * @param model the model under test
     * @param served {@code live}, {@code recorded} (called in this run and stored) or {@code replayed}
     * @param source what produced it, e.g. {@code live:langchain4j} or {@code published:auto-j-testbed}
     * @param recordedAt when the model answered (ISO-8601)
     */
    public record AnswerUse(String role, String key, String model, String served, String source, String recordedAt) {
        public AnswerUse {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(key, "key");
        }

        /** One line, e.g. {@code response: replayed answer of support-bot, recorded 2026-12-06T18:01:02Z from live:langchain4j (key 3fa4c1d2)}. */
        public String describe() {
            String how = switch (served) {
                case "live" -> "live answer";
                case "recorded" -> "answer recorded now";
                default -> "replayed answer";
            };
            return role + ": " + how + " of " + model + ", recorded " + recordedAt + " from " + source + " (key "
                    + key.substring(0, Math.min(8, key.length())) + ")";
        }
    }

    /**
     * Reads a summary.
     *
     * @throws SummaryFormatException naming the file (and line, for bad JSON) when it is missing,
     *     unreadable, not JSON, of another format version, or a test lacks its id or status
     */
    public static RunSummary read(Path file) {
        return RunSummaryJson.read(file);
    }

    /** The document as indented JSON (no trailing line break). */
    public String toJson() {
        return RunSummaryJson.write(this);
    }

    /**
     * Counts over the whole run.
     *
     * @param tests tests of {@code @AutoJ} classes
     * @param aborted tests skipped by an assumption (or an inconclusive set-level decision)
     * @param judgments assertions that judged (a comparison counts once)
     * @param comparisons comparisons with a verdict in both orders
     * @param positionFlips of those, how many had orders that disagree
     * @param noVerdicts judgments where an order had no verdict or rating
     * @param judgeTimeMillis wall time spent in the judge, summed over batches
     * @param replayHits judgments answered from the store
     * @param replayMisses tests that failed with a replay miss
     * @param withWarnings judgments with at least one warning
     * @param setComparisons set-level assertions ({@code assertThatCandidates(..)}) decided
     */
    public record Totals(int tests, int passed, int failed, int aborted, int judgments, int comparisons,
            int positionFlips, int noVerdicts, long judgeTimeMillis, int replayHits, int replayMisses, int withWarnings,
            int setComparisons) {

        /** {@code positionFlips / comparisons}, 0 without comparisons. */
        public double positionFlipRate() {
            return comparisons == 0 ? 0 : (double) positionFlips / comparisons;
        }
    }

    /** How a test ended; {@code ABORTED} is a test skipped by an assumption. */
    public enum Status {
        PASSED, FAILED, ABORTED;

        /** {@code passed}, {@code failed}, {@code aborted}: the JSON spelling. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One test.
     *
     * @param id JUnit's unique id, the key that matches a test across two summaries
     * @param className the test class, e.g. {@code com.example.PromptTest} (empty for the pseudo-test of judgments outside tests)
     * @param name the display name, e.g. {@code newPromptWins()}
     * @param status how the test ended
     * @param judgments the judgments it made, in order
     * @param setComparisons its set-level decisions, in order
     */
    public record TestEntry(String id, String className, String name, Status status, List<JudgmentEntry> judgments,
            List<SetDecision> setComparisons) {

        public TestEntry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(status, "status");
            className = className == null ? "" : className;
            name = name == null ? "" : name;
            judgments = List.copyOf(judgments);
            setComparisons = List.copyOf(setComparisons);
        }

        /** {@code PromptTest › newPromptWins()}: the simple class name and the display name, or the id when both are empty. */
        public String displayName() {
            String simple = className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
            if (simple.isEmpty() && name.isEmpty()) {
                return id;
            }
            return simple.isEmpty() ? name : name.isEmpty() ? simple : simple + " › " + name;
        }
    }

    /**
     * One assertion's judgment(s). Pairwise entries have {@code positionPolicy}, {@code verdicts},
     * {@code combined} and {@code consistent}; single entries have {@code rating}.
     *
     * @param assertion e.g. {@code isPreferredOver}, {@code isPreferredOverBaseline[case-3]}
     * @param expectation the expectation in words
     * @param protocol pairwise or single
     * @param scenario the scenario id, e.g. {@code code_generation}
     * @param passed whether the expectation held
     * @param positionPolicy pairwise: {@code both}, {@code either}, …; null for single
     * @param verdicts pairwise: original order, then swapped order as the judge saw it (null items without a verdict)
     * @param combined pairwise: the verdict about the original positions, TIE when the orders disagree, null without both
     * @param consistent pairwise: whether both orders agree
     * @param rating single: the rating, null for a no-verdict
     * @param noVerdict the reason when a consulted order had no verdict, else null
     * @param source where the judgment came from, e.g. {@code replay:published:auto-j-testbed}
     * @param latencyMillis judge latency summed over the orders
     * @param warnings the judgment's warnings, without duplicates
     * @param notes provenance notes (e.g. a published verdict label without a critique): not warnings
     * @param answers where the judged texts came from, for those that were answers of a model under test
     * @param rubric the rubric as the judge's prompt showed it (Prometheus 2), or null when the judge had none
     * @param referenceAnswer the reference answer the judge was given (Prometheus 2), or null
     */
    public record JudgmentEntry(String assertion, String expectation, Protocol protocol, String scenario, boolean passed,
            String positionPolicy, List<Verdict> verdicts, Verdict combined, Boolean consistent, Double rating,
            String noVerdict, String source, long latencyMillis, List<String> warnings, List<String> notes,
            List<AnswerUse> answers, String rubric, String referenceAnswer) {

        public JudgmentEntry {
            Objects.requireNonNull(protocol, "protocol");
            verdicts = verdicts == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(verdicts));
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
            notes = notes == null ? List.of() : List.copyOf(notes);
            answers = answers == null ? List.of() : List.copyOf(answers);
        }

        /** An entry without a rubric or a reference answer (every Auto-J judgment; summaries written before they were listed). */
        public JudgmentEntry(String assertion, String expectation, Protocol protocol, String scenario, boolean passed,
                String positionPolicy, List<Verdict> verdicts, Verdict combined, Boolean consistent, Double rating,
                String noVerdict, String source, long latencyMillis, List<String> warnings, List<String> notes,
                List<AnswerUse> answers) {
            this(assertion, expectation, protocol, scenario, passed, positionPolicy, verdicts, combined, consistent, rating,
                    noVerdict, source, latencyMillis, warnings, notes, answers, null, null);
        }

        /**
         * Lower-case hex SHA-256 of the rubric's UTF-8 bytes, or null without a rubric: the same rubric has the same
         * hash in every summary ({@code summary.md} names a rubric by its first 12 hex digits).
         */
        public String rubricSha256() {
            return sha256(rubric);
        }

        /** Lower-case hex SHA-256 of the reference answer's UTF-8 bytes, or null without one. */
        public String referenceAnswerSha256() {
            return sha256(referenceAnswer);
        }

        /** An entry without notes or answer provenance. */
        public JudgmentEntry(String assertion, String expectation, Protocol protocol, String scenario, boolean passed,
                String positionPolicy, List<Verdict> verdicts, Verdict combined, Boolean consistent, Double rating,
                String noVerdict, String source, long latencyMillis, List<String> warnings) {
            this(assertion, expectation, protocol, scenario, passed, positionPolicy, verdicts, combined, consistent, rating,
                    noVerdict, source, latencyMillis, warnings, List.of(), List.of());
        }
    }

    /** Lower-case hex SHA-256 of {@code text}'s UTF-8 bytes, or null for null. */
    static String sha256(String text) {
        if (text == null) {
            return null;
        }
        return dev.autoj.engine.internal.Sha256.hex(text);
    }
}
