package dev.autoj.sample;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.internal.AutoJTestbed.PairwiseItem;
import dev.autoj.engine.internal.AutoJTestbed.SingleItem;
import dev.autoj.engine.internal.TestbedImport;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.store.JudgmentStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes the sample's data from the published Auto-J testbed: the answers file the tests read
 * ({@code answers.json}), the paired cases of the set-level test ({@code cases/code-answers.jsonl})
 * and the judgment store they replay ({@code autoj-store/}), holding the records the engine's
 * testbed importer writes for those items. Nothing is made up: every
 * answer is a testbed response and every record is Auto-J-13B's published output for it.
 *
 * <pre>
 * mvn -f sample-project/pom.xml exec:java@generate-data -Dtestbed=path/to/autoj-testbed
 * </pre>
 *
 * Records the store already holds are kept byte for byte (so regenerating changes no file),
 * records no task needs any more are deleted.
 */
public final class GenerateSampleData {

    /**
     * One task of the sample: a pairwise testbed item whose two responses play the current and the
     * new prompt's answers, and optionally the single-response item that judged the new answer.
     *
     * @param pairwiseIndex 0-based line of testdata_pairwise.jsonl
     * @param newIsResponse2 whether the new prompt's answer is the item's response 2
     * @param singleIndex 0-based line of testdata_critique.jsonl judging the new answer, or -1
     */
    record Pick(String id, String task, int pairwiseIndex, boolean newIsResponse2, int singleIndex) {
    }

    static final List<Pick> PICKS = List.of(
            new Pick("post-summary", "summarize a Reddit post", 21, true, 1),
            new Pick("code-gans", "write code", 570, true, 92),
            new Pick("code-merge-lists", "write code", 559, true, -1),
            new Pick("exam-physics", "answer an exam question", 473, false, 76),
            new Pick("translate-chinese", "translate Chinese into English", 779, true, -1));

    /**
     * The set-level test's cases: every pairwise testbed item of this scenario on which the human
     * annotators preferred one response (ties left out), the preferred response playing the new
     * prompt's answer. Auto-J's published verdicts (both orders) decide the set.
     */
    static final String SET_SCENARIO = "code_generation";
    static final String CASES_FILE = "cases/code-answers.jsonl";
    static final String ANSWERS_FILE = "answers.json";
    static final String STORE_DIR = "autoj-store";

    private static final ObjectMapper JSON = new ObjectMapper();

    private GenerateSampleData() {
    }

    public static void main(String[] args) {
        if (args.length != 2 || args[0].isBlank() || args[0].contains("${")) {
            System.err.println("Usage: GenerateSampleData <auto-j testbed folder> <test resources folder>");
            System.err.println("With Maven: mvn -f sample-project/pom.xml exec:java@generate-data -Dtestbed=path/to/autoj-testbed");
            System.exit(2);
        }
        Path testbed = Path.of(args[0]);
        if (!Files.isRegularFile(testbed.resolve("testdata_pairwise.jsonl"))) {
            System.err.println("No testdata_pairwise.jsonl in " + testbed.toAbsolutePath()
                    + ": point -Dtestbed at the Auto-J testbed folder (GAIR-NLP/auto-j data).");
            System.exit(2);
        }
        Path resources = Path.of(args[1]);
        int records = generate(testbed, resources);
        System.out.printf("Wrote %s (%d tasks), %s and %s (%d records).%n", resources.resolve(ANSWERS_FILE), PICKS.size(),
                resources.resolve(CASES_FILE), resources.resolve(STORE_DIR), records);
    }

    /** Writes {@code answers.json} and {@code autoj-store/} under {@code resources}; returns the record count. */
    static int generate(Path testbed, Path resources) {
        List<PairwiseItem> pairs = AutoJTestbed.pairwise(testbed);
        List<SingleItem> singles = AutoJTestbed.single(testbed);
        JudgmentStore sample = JudgmentStore.open(resources.resolve(STORE_DIR));
        ArrayNode tasks = JSON.createArrayNode();
        Set<String> keys = new LinkedHashSet<>();
        for (Pick pick : PICKS) {
            PairwiseItem pair = pairs.get(pick.pairwiseIndex());
            String current = pick.newIsResponse2() ? pair.response1() : pair.response2();
            String next = pick.newIsResponse2() ? pair.response2() : pair.response1();
            keys.add(pairwiseKey(pair.query(), pair.response1(), pair.response2()));
            keys.add(pairwiseKey(pair.query(), pair.response2(), pair.response1()));
            String source = "testdata_pairwise.jsonl line " + (pick.pairwiseIndex() + 1) + ": current answer = response "
                    + (pick.newIsResponse2() ? 1 : 2) + ", new answer = response " + (pick.newIsResponse2() ? 2 : 1);
            if (pick.singleIndex() >= 0) {
                SingleItem single = singles.get(pick.singleIndex());
                if (!single.query().equals(pair.query()) || !single.response().equals(next)) {
                    throw new IllegalStateException("testdata_critique.jsonl line " + (pick.singleIndex() + 1)
                            + " does not judge the new answer of task " + pick.id() + "; fix PICKS");
                }
                keys.add(JudgmentStore.key(TestbedImport.MODEL_ID, Protocol.SINGLE, Language.EN,
                        PromptBuilder.single(Language.EN, pair.query(), next).text(), GenerationRequest.AUTOJ_MAX_NEW_TOKENS));
                source += "; testdata_critique.jsonl line " + (pick.singleIndex() + 1) + " judges the new answer";
            }
            ObjectNode task = tasks.addObject();
            task.put("id", pick.id());
            task.put("task", pick.task());
            task.put("scenario", pair.scenario().id());
            task.put("testbed", source);
            task.put("query", pair.query());
            task.put("current_answer", current);
            task.put("new_answer", next);
        }
        StringBuilder cases = new StringBuilder();
        for (PairwiseItem pair : pairs) {
            if (!pair.scenario().id().equals(SET_SCENARIO) || pair.human() == Verdict.TIE) {
                continue;
            }
            boolean newIsResponse1 = pair.human() == Verdict.RESPONSE_1;
            keys.add(pairwiseKey(pair.query(), pair.response1(), pair.response2()));
            keys.add(pairwiseKey(pair.query(), pair.response2(), pair.response1()));
            ObjectNode c = JSON.createObjectNode();
            c.put("id", "line-" + (pair.index() + 1));
            c.put("scenario", pair.scenario().id());
            c.put("query", pair.query());
            c.put("candidate", newIsResponse1 ? pair.response1() : pair.response2());
            c.put("baseline", newIsResponse1 ? pair.response2() : pair.response1());
            cases.append(c).append('\n');
        }
        // The engine's own importer writes the records, so that they are exactly what it imports.
        TestbedImport.run(testbed, sample, Instant.now(), judgment -> keys.contains(judgment.key()));
        for (String key : keys) {
            if (sample.find(key).isEmpty()) {
                throw new IllegalStateException("The testbed import wrote no record with key " + key
                        + "; the engine's importer and this generator build different prompts");
            }
        }
        deleteAllBut(sample, keys);
        ObjectNode answers = JSON.createObjectNode();
        answers.put("format", "autoj-sample-answers/1");
        answers.put("about", "The answers of the current and the new prompt for each task. They are responses from the"
                + " published Auto-J testbed (GAIR-NLP/auto-j), so that every judgment in autoj-store/ is Auto-J-13B's"
                + " real published output. Generated by dev.autoj.sample.GenerateSampleData; do not edit by hand.");
        answers.set("tasks", tasks);
        write(resources.resolve(ANSWERS_FILE), answers);
        writeText(resources.resolve(CASES_FILE), cases.toString());
        return keys.size();
    }

    private static String pairwiseKey(String query, String first, String second) {
        return JudgmentStore.key(TestbedImport.MODEL_ID, Protocol.PAIRWISE, Language.EN,
                PromptBuilder.pairwise(Language.EN, query, first, second).text(), GenerationRequest.AUTOJ_MAX_NEW_TOKENS);
    }

    private static void deleteAllBut(JudgmentStore store, Set<String> keys) {
        for (Path file : store.files()) {
            String key = file.getFileName().toString().replace(".json", "");
            if (!keys.contains(key)) {
                try {
                    Files.delete(file);
                    try (Stream<Path> left = Files.list(file.getParent())) {
                        if (left.findAny().isEmpty()) {
                            Files.delete(file.getParent());
                            // The shard is gone on purpose: without its marker, store verify does not report it missing.
                            Files.deleteIfExists(store.directory().resolve(JudgmentStore.SHARD_MARKERS)
                                    .resolve(file.getParent().getFileName().toString()));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot delete the stale record " + file + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, ObjectNode json) {
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, JSON.writer(pretty).writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
