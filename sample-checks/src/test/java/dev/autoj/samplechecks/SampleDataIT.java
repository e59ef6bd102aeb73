package dev.autoj.samplechecks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.assistant.Assistant;
import com.example.assistant.AssistantModel;
import com.example.assistant.PromptVersion;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.answers.AnswerRequest;
import dev.autoj.engine.answers.AnswerStore;
import dev.autoj.engine.answers.RecordedAnswer;
import dev.autoj.engine.answers.Recorder;
import dev.autoj.engine.internal.TestbedImport;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import dev.autoj.engine.store.StoredJudgment;
import dev.autoj.langchain4j.RecordedChatModel;
import dev.langchain4j.model.chat.ChatModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample's committed data ({@code sample-project/src/test/resources}) is what the generator makes
 * from the published Auto-J testbed, and nothing else.
 */
class SampleDataIT {

    private static final Path RESOURCES = Sample.RESOURCES;
    private static final JudgmentStore STORE = JudgmentStore.open(RESOURCES.resolve(GenerateSampleData.STORE_DIR));
    private static final AnswerStore ANSWERS = AnswerStore.in(RESOURCES.resolve(GenerateSampleData.STORE_DIR));

    @Test
    void everyCommittedRecordMatchesItsKeyAndIsAPublishedAutoJOutput() {
        JudgmentStore.Verification verification = STORE.verify();
        assertThat(verification.problems()).isEmpty();
        // 13 for the single-case tests, 30 more for the set-level test's 16 cases in both orders (one of them
        // is also a single-case test's item).
        assertThat(verification.checked()).isEqualTo(43);
        for (Path file : STORE.files()) {
            StoredJudgment record = STORE.find(file.getFileName().toString().replace(".json", "")).orElseThrow();
            assertThat(record.modelId()).as(file.toString()).isEqualTo(TestbedImport.MODEL_ID);
            assertThat(record.source()).as(file.toString()).isEqualTo(TestbedImport.SOURCE);
            if (record.protocol() == Protocol.PAIRWISE) {
                assertThat(record.rawOutput()).as("%s: the testbed publishes only the label", file).isNull();
                assertThat(record.note()).as(file.toString()).startsWith("Published label only: ");
            } else {
                assertThat(record.rawOutput()).as("%s: Auto-J's published critique", file).containsPattern("Rating: \\[\\[\\d+\\]\\]\\s*$");
            }
        }
    }

    @Test
    void everyCommittedAnswerIsATestbedResponseWithItsTrueProvenance() {
        JudgmentStore.Verification verification = ANSWERS.verify();
        assertThat(verification.problems()).isEmpty();
        assertThat(verification.leftoverTempFiles()).isEmpty();
        // The 5 tasks' queries and the set's 16 under both prompt versions; code-gans is also a set query.
        assertThat(verification.checked()).isEqualTo(40);
        for (Path file : ANSWERS.files()) {
            RecordedAnswer answer = ANSWERS.read(file);
            assertThat(answer.source()).as(file.toString()).isEqualTo("published:auto-j-testbed");
            assertThat(answer.recordedAt()).as(file.toString()).isEqualTo(GenerateSampleData.PUBLISHED);
            assertThat(answer.request().model()).as(file.toString()).isEqualTo(AssistantModel.MODEL_NAME);
            assertThat(answer.answer().attributes().get("testbed")).as(file.toString()).matches("testdata_pairwise\\.jsonl line \\d+, response [12]");
            assertThat(answer.answer().inputTokens()).as("%s: no model run, no token counts", file).isNull();
        }
    }

    /**
     * What the tests do, without a judge: the assistant answers every request with both prompt
     * versions from the store alone (replay: its model is never called), every answer file is used,
     * and Auto-J's published judgments of those answers are in the store in both orders.
     */
    @Test
    void theAssistantsReplayedAnswersHaveTheirPublishedJudgments() throws IOException {
        List<RecordedAnswer> served = new ArrayList<>();
        Recorder replay = Recorder.using(StoreMode.REPLAY, STORE.directory()).reportingTo(served::add);
        ChatModel model = RecordedChatModel.wrap(AssistantModel.openAi(), replay);
        Assistant current = new Assistant(model, PromptVersion.CURRENT);
        Assistant next = new Assistant(model, PromptVersion.NEXT);
        List<String> queries = new ArrayList<>(queries(GenerateSampleData.REQUESTS_FILE));
        queries.addAll(queries(GenerateSampleData.SET_REQUESTS_FILE));
        assertThat(queries).hasSize(5 + 16);
        for (String query : queries) {
            String currentAnswer = current.answer(query);
            String nextAnswer = next.answer(query);
            assertThat(STORE.find(GenerateSampleData.pairwiseKey(query, currentAnswer, nextAnswer)))
                    .as("judgment of current vs new for %s", query).isPresent();
            assertThat(STORE.find(GenerateSampleData.pairwiseKey(query, nextAnswer, currentAnswer)))
                    .as("judgment of new vs current for %s", query).isPresent();
        }
        assertThat(served).allSatisfy(a -> assertThat(a.served()).isEqualTo(RecordedAnswer.Served.REPLAYED));
        Set<String> used = served.stream().map(RecordedAnswer::key).collect(Collectors.toCollection(TreeSet::new));
        assertThat(used).isEqualTo(ANSWERS.files().stream().map(f -> f.getFileName().toString().replace(".json", ""))
                .collect(Collectors.toCollection(TreeSet::new)));
        for (RecordedAnswer a : served) {
            AnswerRequest request = a.request();
            assertThat(request.messages()).extracting(AnswerRequest.Message::role).containsExactly("system", "user");
            assertThat(request.messages().get(0).text()).isIn(PromptVersion.CURRENT.systemPrompt(), PromptVersion.NEXT.systemPrompt());
            assertThat(request.parameters()).containsOnlyKeys("temperature");
        }
    }

    @Test
    void regeneratingFromThePublishedTestbedGivesTheCommittedData(@TempDir Path regenerated) throws IOException {
        Path testbed = Path.of(System.getProperty("autoj.shared.dir", "../../shared"), "autoj-testbed");
        assumeTrue(Files.isRegularFile(testbed.resolve("testdata_pairwise.jsonl")),
                "The Auto-J testbed is not at " + testbed.toAbsolutePath() + "; the committed data is checked against it where it is");

        GenerateSampleData.Counts counts = GenerateSampleData.generate(testbed, regenerated);

        assertThat(counts).isEqualTo(new GenerateSampleData.Counts(16, 40, 43));
        for (String file : List.of(GenerateSampleData.REQUESTS_FILE, GenerateSampleData.SET_REQUESTS_FILE)) {
            assertThat(regenerated.resolve(file)).hasSameTextualContentAs(RESOURCES.resolve(file));
        }
        JudgmentStore fresh = JudgmentStore.open(regenerated.resolve(GenerateSampleData.STORE_DIR));
        assertThat(names(fresh.files())).isEqualTo(names(STORE.files()));
        for (Path file : STORE.files()) {
            Path twin = fresh.directory().resolve(STORE.directory().relativize(file));
            assertThat(withoutRecordingTime(twin)).as(file.toString()).isEqualTo(withoutRecordingTime(file));
        }
        // Answers carry a fixed recorded_at: byte for byte.
        AnswerStore freshAnswers = AnswerStore.in(fresh.directory());
        assertThat(names(freshAnswers.files())).isEqualTo(names(ANSWERS.files()));
        for (Path file : ANSWERS.files()) {
            assertThat(fresh.directory().resolve(STORE.directory().relativize(file))).as(file.toString()).hasSameBinaryContentAs(file);
        }
    }

    private static List<String> queries(String resource) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> queries = new ArrayList<>();
        for (String line : Sample.resourceLines(resource)) {
            if (!line.isBlank()) {
                queries.add(json.readValue(line, Map.class).get("query").toString());
            }
        }
        return queries;
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    private static String withoutRecordingTime(Path record) throws IOException {
        return Files.readAllLines(record, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.trim().startsWith("\"recorded_at\""))
                .collect(Collectors.joining("\n"));
    }
}
