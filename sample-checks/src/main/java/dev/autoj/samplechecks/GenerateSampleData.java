package dev.autoj.samplechecks;

import com.example.assistant.Assistant;
import com.example.assistant.AssistantModel;
import com.example.assistant.PromptVersion;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.answers.Answer;
import dev.autoj.engine.answers.AnswerStore;
import dev.autoj.engine.answers.RecordedAnswer;
import dev.autoj.engine.answers.Recorder;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.internal.AutoJTestbed.PairwiseItem;
import dev.autoj.engine.internal.AutoJTestbed.SingleItem;
import dev.autoj.engine.internal.TestbedImport;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import dev.autoj.langchain4j.RecordedChatModel;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Writes the sample's data from the published Auto-J testbed: the requests the tests put to the
 * assistant ({@code requests.jsonl}, {@code cases/code-requests.jsonl}), the assistant's answers
 * ({@code autoj-store/answers/}) and the judgments the tests replay ({@code autoj-store/}). Nothing
 * is made up and no model is run: every answer is a testbed response and every judgment is
 * Auto-J-13B's published output for it.
 *
 * <pre>
 * mvn -B -ntp -pl sample-checks -am process-classes -Pgenerate-data -Dtestbed=path/to/autoj-testbed
 * </pre>
 *
 * <p>It lives in {@code sample-checks}, not in the sample, because it is the repository's upkeep
 * of the sample (it reads the testbed with the engine's internal reader, which a user's project
 * never needs), and not in the CLI, because it files answers under the requests of the sample's
 * own application ({@link Assistant}), which the CLI does not know.
 *
 * <p>Answers: each testbed response is filed under exactly the request the application makes for
 * its query and prompt version — the same {@link Assistant} on the same configured model
 * ({@link AssistantModel#openAi()}), wrapped by {@link RecordedChatModel}, only with a stand-in
 * behind it that hands back the testbed's response instead of calling anything — so that the
 * tests' replay finds it. Each is stored with its true provenance: source {@value #ANSWER_SOURCE},
 * recorded at {@link #PUBLISHED} (a fixed instant, so that regenerating is byte-stable), and the
 * testbed line it comes from (answer attribute {@code testbed}).
 *
 * <p>Judgments: the engine's own testbed importer writes them. Records the store already holds are
 * kept byte for byte (so regenerating changes no file); judgments and answers no test needs any
 * more are deleted.
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
     * The set-level test's requests: every pairwise testbed item of this scenario on which the human
     * annotators preferred one response (ties left out), the preferred response answering the new
     * prompt. Auto-J's published verdicts (both orders) decide the set.
     */
    static final String SET_SCENARIO = "code_generation";
    static final String REQUESTS_FILE = "requests.jsonl";
    static final String SET_REQUESTS_FILE = "cases/code-requests.jsonl";
    static final String STORE_DIR = "autoj-store";
    /** The provenance of every answer: the testbed's response texts, not a model run here. */
    static final String ANSWER_SOURCE = TestbedImport.SOURCE;
    /**
     * The answers' {@code recorded_at}: 2023-10-09, the date of the Auto-J paper's first arXiv
     * version (arXiv:2310.05470v1), with which the testbed was published. The responses are older;
     * a fixed instant keeps regeneration byte-stable.
     */
    static final Instant PUBLISHED = Instant.parse("2023-10-09T00:00:00Z");

    private static final ObjectMapper JSON = new ObjectMapper();

    private GenerateSampleData() {
    }

    public static void main(String[] args) {
        if (args.length != 2 || args[0].isBlank() || args[0].contains("${")) {
            System.err.println("Usage: GenerateSampleData <auto-j testbed folder> <test resources folder>");
            System.err.println("With Maven, from the repository root: mvn -pl sample-checks -am process-classes -Pgenerate-data"
                    + " -Dtestbed=path/to/autoj-testbed");
            System.exit(2);
        }
        Path testbed = Path.of(args[0]);
        if (!Files.isRegularFile(testbed.resolve("testdata_pairwise.jsonl"))) {
            System.err.println("No testdata_pairwise.jsonl in " + testbed.toAbsolutePath()
                    + ": point -Dtestbed at the Auto-J testbed folder (GAIR-NLP/auto-j data).");
            System.exit(2);
        }
        Path resources = Path.of(args[1]);
        Counts counts = generate(testbed, resources);
        System.out.printf("Wrote %s (%d requests), %s (%d requests) and %s (%d answers, %d judgments).%n",
                resources.resolve(REQUESTS_FILE), PICKS.size(), resources.resolve(SET_REQUESTS_FILE), counts.setRequests(),
                resources.resolve(STORE_DIR), counts.answers(), counts.judgments());
    }

    /** What {@link #generate} wrote. */
    record Counts(int setRequests, int answers, int judgments) {
    }

    /** One testbed response that answers {@code query} under {@code version}. */
    private record Imported(String query, PromptVersion version, String text, String testbedRef) {
    }

    /** Writes the request files and {@code autoj-store/} (answers and judgments) under {@code resources}. */
    static Counts generate(Path testbed, Path resources) {
        List<PairwiseItem> pairs = AutoJTestbed.pairwise(testbed);
        List<SingleItem> singles = AutoJTestbed.single(testbed);
        JudgmentStore sample = JudgmentStore.open(resources.resolve(STORE_DIR));
        StringBuilder requests = new StringBuilder();
        Set<String> keys = new LinkedHashSet<>();
        List<Imported> answers = new java.util.ArrayList<>();
        for (Pick pick : PICKS) {
            PairwiseItem pair = pairs.get(pick.pairwiseIndex());
            String current = pick.newIsResponse2() ? pair.response1() : pair.response2();
            String next = pick.newIsResponse2() ? pair.response2() : pair.response1();
            keys.add(pairwiseKey(pair.query(), pair.response1(), pair.response2()));
            keys.add(pairwiseKey(pair.query(), pair.response2(), pair.response1()));
            String line = "testdata_pairwise.jsonl line " + (pick.pairwiseIndex() + 1);
            answers.add(new Imported(pair.query(), PromptVersion.CURRENT, current, line + ", response " + (pick.newIsResponse2() ? 1 : 2)));
            answers.add(new Imported(pair.query(), PromptVersion.NEXT, next, line + ", response " + (pick.newIsResponse2() ? 2 : 1)));
            String source = line + ": current prompt's answer = response " + (pick.newIsResponse2() ? 1 : 2)
                    + ", new prompt's answer = response " + (pick.newIsResponse2() ? 2 : 1);
            if (pick.singleIndex() >= 0) {
                SingleItem single = singles.get(pick.singleIndex());
                if (!single.query().equals(pair.query()) || !single.response().equals(next)) {
                    throw new IllegalStateException("testdata_critique.jsonl line " + (pick.singleIndex() + 1)
                            + " does not judge the new answer of task " + pick.id() + "; fix PICKS");
                }
                keys.add(singleKey(pair.query(), next));
                source += "; testdata_critique.jsonl line " + (pick.singleIndex() + 1) + " judges the new prompt's answer";
            }
            ObjectNode request = JSON.createObjectNode();
            request.put("id", pick.id());
            request.put("task", pick.task());
            request.put("scenario", pair.scenario().id());
            request.put("testbed", source);
            request.put("query", pair.query());
            requests.append(request).append('\n');
        }
        StringBuilder setRequests = new StringBuilder();
        int setCount = 0;
        for (PairwiseItem pair : pairs) {
            if (!pair.scenario().id().equals(SET_SCENARIO) || pair.human() == Verdict.TIE) {
                continue;
            }
            boolean newIsResponse1 = pair.human() == Verdict.RESPONSE_1;
            keys.add(pairwiseKey(pair.query(), pair.response1(), pair.response2()));
            keys.add(pairwiseKey(pair.query(), pair.response2(), pair.response1()));
            String line = "testdata_pairwise.jsonl line " + (pair.index() + 1);
            answers.add(new Imported(pair.query(), PromptVersion.NEXT, newIsResponse1 ? pair.response1() : pair.response2(),
                    line + ", response " + (newIsResponse1 ? 1 : 2)));
            answers.add(new Imported(pair.query(), PromptVersion.CURRENT, newIsResponse1 ? pair.response2() : pair.response1(),
                    line + ", response " + (newIsResponse1 ? 2 : 1)));
            ObjectNode c = JSON.createObjectNode();
            c.put("id", "line-" + (pair.index() + 1));
            c.put("scenario", pair.scenario().id());
            c.put("testbed", line + ": the human annotators preferred response " + (newIsResponse1 ? 1 : 2)
                    + ", which answers the new prompt");
            c.put("query", pair.query());
            setRequests.append(c).append('\n');
            setCount++;
        }
        // The engine's own importer writes the judgments, so that they are exactly what it imports.
        TestbedImport.run(testbed, sample, Instant.now(), judgment -> keys.contains(judgment.key()));
        for (String key : keys) {
            if (sample.find(key).isEmpty()) {
                throw new IllegalStateException("The testbed import wrote no record with key " + key
                        + "; the engine's importer and this generator build different prompts");
            }
        }
        deleteAllBut(sample.directory(), sample.files(), keys, true);
        Set<String> answerKeys = importAnswers(answers, AnswerStore.in(sample.directory()));
        writeText(resources.resolve(REQUESTS_FILE), requests.toString());
        writeText(resources.resolve(SET_REQUESTS_FILE), setRequests.toString());
        return new Counts(setCount, answerKeys.size(), keys.size());
    }

    /**
     * Files each testbed response under the request the assistant makes for its query and prompt
     * version, with the testbed as its source; returns the answer keys.
     */
    private static Set<String> importAnswers(List<Imported> imported, AnswerStore store) {
        TestbedResponses responses = new TestbedResponses(AssistantModel.openAi());
        AtomicReference<RecordedAnswer> captured = new AtomicReference<>();
        // Live mode with a listener: the wrapper builds the request and its key exactly as in the tests and
        // stores nothing; the stand-in behind it answers with the testbed's text.
        ChatModel app = RecordedChatModel.wrap(responses, Recorder.using(StoreMode.LIVE, null).reportingTo(captured::set));
        Map<String, Imported> byKey = new LinkedHashMap<>();
        for (Imported answer : imported) {
            responses.next(answer.text());
            String text = new Assistant(app, answer.version()).answer(answer.query());
            RecordedAnswer asked = captured.getAndSet(null);
            if (asked == null || !text.equals(answer.text())) {
                throw new IllegalStateException("The assistant did not hand back the testbed response of " + answer.testbedRef());
            }
            Imported before = byKey.putIfAbsent(asked.key(), answer);
            if (before != null && !before.text().equals(answer.text())) {
                throw new IllegalStateException("Two testbed responses answer the same request (" + before.testbedRef() + " and "
                        + answer.testbedRef() + "); the assistant can have only one recorded answer per request");
            }
            if (before != null) {
                continue;
            }
            RecordedAnswer published = new RecordedAnswer(asked.key(), asked.request(),
                    Answer.of(answer.text()).with("testbed", answer.testbedRef()), ANSWER_SOURCE, PUBLISHED, RecordedAnswer.Served.RECORDED);
            RecordedAnswer stored = store.record(published);
            if (!stored.answer().equals(published.answer()) || !stored.source().equals(published.source())
                    || !stored.recordedAt().equals(published.recordedAt())) {
                // An older import of the same request: replace it with this one.
                delete(store.file(asked.key()));
                store.record(published);
            }
        }
        deleteAllBut(store.directory(), store.files(), byKey.keySet(), false);
        return byKey.keySet();
    }

    /**
     * A stand-in for the assistant's model with its default request parameters (so the requests and
     * keys are the ones the real model would be sent), answering with a given testbed response.
     */
    private static final class TestbedResponses implements ChatModel {
        private final ChatModel configured;
        private String text;

        TestbedResponses(ChatModel configured) {
            this.configured = configured;
        }

        void next(String response) {
            this.text = response;
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            return ChatResponse.builder().aiMessage(AiMessage.from(text)).build();
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return configured.defaultRequestParameters();
        }

        @Override
        public ModelProvider provider() {
            return configured.provider();
        }
    }

    /** The store key of Auto-J's published pairwise judgment of {@code first} against {@code second}. */
    static String pairwiseKey(String query, String first, String second) {
        return JudgmentStore.key(TestbedImport.MODEL_ID, Protocol.PAIRWISE, Language.EN,
                PromptBuilder.pairwise(Language.EN, query, first, second).text(), GenerationRequest.AUTOJ_MAX_NEW_TOKENS);
    }

    /** The store key of Auto-J's published single-response judgment of {@code response}. */
    static String singleKey(String query, String response) {
        return JudgmentStore.key(TestbedImport.MODEL_ID, Protocol.SINGLE, Language.EN,
                PromptBuilder.single(Language.EN, query, response).text(), GenerationRequest.AUTOJ_MAX_NEW_TOKENS);
    }

    /** Deletes the files whose key is not in {@code keys}, and shard folders left empty (with their judgment marker). */
    private static void deleteAllBut(Path directory, List<Path> files, Set<String> keys, boolean judgments) {
        for (Path file : files) {
            String key = file.getFileName().toString().replace(".json", "");
            if (!keys.contains(key)) {
                try {
                    delete(file);
                    try (Stream<Path> left = Files.list(file.getParent())) {
                        if (left.findAny().isEmpty()) {
                            Files.delete(file.getParent());
                            if (judgments) {
                                // The shard is gone on purpose: without its marker, store verify does not report it missing.
                                Files.deleteIfExists(directory.resolve(JudgmentStore.SHARD_MARKERS)
                                        .resolve(file.getParent().getFileName().toString()));
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot delete the stale record " + file + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + file + ": " + e.getMessage(), e);
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
}
