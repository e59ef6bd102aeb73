package dev.autoj.engine.answers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.ReplayMissException;
import dev.autoj.engine.store.StoreException;
import dev.autoj.engine.store.StoreMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderTest {

    @TempDir
    Path dir;

    private static AnswerRequest request(String system, String question) {
        return AnswerRequest.of("support-bot", List.of(AnswerRequest.Message.system(system), AnswerRequest.Message.user(question)))
                .with("temperature", 0.7).with("max_tokens", 256);
    }

    /** A model that answers differently on every call and counts its calls. */
    private static final class SamplingModel {
        final AtomicInteger calls = new AtomicInteger();

        Answer call(AnswerRequest r) {
            int n = calls.incrementAndGet();
            return Answer.of("answer #" + n + " to " + r.messages().get(r.messages().size() - 1).text()).withUsage(12, 5);
        }
    }

    @Test
    void recordCallsTheModelOncePerDistinctRequestAndReplayServesTheSameTextWithoutIt() {
        Path store = dir.resolve("store");
        SamplingModel model = new SamplingModel();
        Recorder record = Recorder.using(StoreMode.RECORD, store);
        RecordedAnswer first = record.answer(request("Be brief.", "What is 2+2?"), "test", model::call);
        RecordedAnswer again = record.answer(request("Be brief.", "What is 2+2?"), "test", model::call);
        record.answer(request("Be brief.", "What is 3+3?"), "test", model::call);
        assertThat(model.calls).hasValue(2);
        assertThat(first.served()).isEqualTo(RecordedAnswer.Served.RECORDED);
        assertThat(again.served()).isEqualTo(RecordedAnswer.Served.REPLAYED);
        assertThat(again.answer().text()).isEqualTo(first.answer().text());
        assertThat(Files.exists(store.resolve(AnswerStore.relativeFile(first.key())))).isTrue();

        SamplingModel never = new SamplingModel();
        RecordedAnswer replayed = Recorder.using(StoreMode.REPLAY, store).answer(request("Be brief.", "What is 2+2?"), "test", never::call);
        assertThat(never.calls).hasValue(0);
        assertThat(replayed.answer()).isEqualTo(first.answer());
        assertThat(replayed.source()).isEqualTo("live:test");
        assertThat(replayed.recordedAt()).isEqualTo(first.recordedAt());
        assertThat(AnswerStore.in(store).verify().problems()).isEmpty();
        assertThat(AnswerStore.in(store).verify().checked()).isEqualTo(2);
    }

    @Test
    void theKthSampleOfOneRequestIsItsOwnRecording() {
        SamplingModel model = new SamplingModel();
        Recorder record = Recorder.using(StoreMode.RECORD, dir);
        String a = record.answer(request("s", "q").sample(0), "t", model::call).answer().text();
        String b = record.answer(request("s", "q").sample(1), "t", model::call).answer().text();
        assertThat(a).isNotEqualTo(b);
        assertThat(record.answer(request("s", "q").sample(1), "t", model::call).answer().text()).isEqualTo(b);
        assertThat(model.calls).hasValue(2);
    }

    @Test
    void everyOutputChangingPartOfTheRequestChangesTheKeyAndParameterOrderDoesNot() {
        AnswerRequest base = request("s", "q");
        Set<String> keys = new TreeSet<>(List.of(AnswerStore.key(base),
                AnswerStore.key(base.with("temperature", 0.8)),
                AnswerStore.key(base.with("seed", 7)),
                AnswerStore.key(base.with("stop", List.of("\n\n"))),
                AnswerStore.key(base.with("response_format", Map.of("type", "json_object"))),
                AnswerStore.key(request("S", "q")),
                AnswerStore.key(AnswerRequest.of("support-bot", List.of(AnswerRequest.Message.user("s"), AnswerRequest.Message.user("q")))
                        .with("temperature", 0.7).with("max_tokens", 256)),
                AnswerStore.key(AnswerRequest.of("other-model", base.messages()).with("temperature", 0.7).with("max_tokens", 256)),
                AnswerStore.key(base.sample(1))));
        assertThat(keys).hasSize(9);
        AnswerRequest reordered = AnswerRequest.of("support-bot", base.messages()).with("max_tokens", 256).with("temperature", 0.7);
        assertThat(AnswerStore.key(reordered)).isEqualTo(AnswerStore.key(base));
        assertThat(AnswerStore.key(base.with("response_format", Map.of("b", 1, "a", 2))))
                .isEqualTo(AnswerStore.key(base.with("response_format", new java.util.TreeMap<>(Map.of("a", 2, "b", 1)))));
    }

    @Test
    void liveModeCallsTheModelEveryTimeAndStoresNothing() {
        SamplingModel model = new SamplingModel();
        Recorder live = Recorder.using(StoreMode.LIVE, dir.resolve("store"));
        String a = live.answer(request("s", "q"), "t", model::call).answer().text();
        String b = live.answer(request("s", "q"), "t", model::call).answer().text();
        assertThat(a).isNotEqualTo(b);
        assertThat(model.calls).hasValue(2);
        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void aReplayMissNamesModelStoreAndKeyAndShowsTheChangedLineAgainstTheNearestRecording() {
        Path store = dir.resolve("store");
        SamplingModel model = new SamplingModel();
        Recorder record = Recorder.using(StoreMode.RECORD, store);
        record.answer(request("You are a support assistant.\nAnswer in one sentence.\nBe polite.", "Where is my order?"), "t", model::call);
        record.answer(request("Something else entirely.", "Unrelated question"), "t", model::call);
        AnswerRequest changed = request("You are a support assistant.\nAnswer in two sentences.\nBe polite.", "Where is my order?");

        assertThatThrownBy(() -> Recorder.using(StoreMode.REPLAY, store).answer(changed, "t", model::call))
                .isInstanceOf(AnswerMissException.class)
                .isInstanceOf(ReplayMissException.class)
                .hasMessageContaining("no recorded answer of model support-bot")
                .hasMessageContaining(store.toString())
                .hasMessageContaining(AnswerStore.key(changed))
                .hasMessageContaining("-Answer in one sentence.")
                .hasMessageContaining("+Answer in two sentences.")
                .hasMessageNotContaining("Unrelated question")
                .hasMessageContaining("-Dautoj.mode=record");
        assertThat(model.calls).hasValue(2);
    }

    @Test
    void theNearestRecordingIsTheOneWithTheFewestChangedCharactersAmongEquallyManyChangedLines() {
        Path store = dir.resolve("store");
        Recorder record = Recorder.using(StoreMode.RECORD, store);
        SamplingModel model = new SamplingModel();
        record.answer(request("Parcel service.\nAnswer in three sentences: the status and the reason.", "Where?"), "t", model::call);
        // Recorded later: on a tie of changed lines the more recent recording would win, so only the
        // character count can make the "three sentences" one the nearest.
        record.withClock(java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofHours(1)))
                .answer(request("Parcel service.\nAnswer in one sentence.", "Where?"), "t", model::call);
        AnswerRequest changed = request("Parcel service.\nAnswer in three short sentences: the status and the reason.", "Where?");
        assertThatThrownBy(() -> Recorder.using(StoreMode.REPLAY, store).answer(changed, "t", model::call))
                .hasMessageContaining("-Answer in three sentences: the status and the reason.")
                .hasMessageNotContaining("-Answer in one sentence.");
    }

    @Test
    void aMissWithoutAnyRecordingOfTheModelSaysWhichModelsTheStoreHas() {
        Path store = dir.resolve("store");
        Recorder.using(StoreMode.RECORD, store).answer("model-a", "q", () -> "a");
        assertThatThrownBy(() -> Recorder.using(StoreMode.REPLAY, store).answer("model-b", "q", () -> "b"))
                .hasMessageContaining("holds no answer of model-b; it has answers of: model-a");
    }

    @Test
    void aModelThatThrowsInRecordModeFailsWithItsOwnErrorAndNothingIsStored() {
        Path store = dir.resolve("store");
        Recorder record = Recorder.using(StoreMode.RECORD, store);
        assertThatThrownBy(() -> record.answer("m", "q", () -> {
            throw new IllegalStateException("provider said 503: overloaded");
        })).isInstanceOf(IllegalStateException.class).hasMessage("provider said 503: overloaded");
        assertThat(AnswerStore.in(store).files()).isEmpty();
        assertThat(record.answer("m", "q", () -> "second try")).isEqualTo("second try");
    }

    @Test
    void loneSurrogatesAndAMegabyteAnswerAreStoredExactlyAndKeptApart() {
        Path store = dir.resolve("store");
        Recorder record = Recorder.using(StoreMode.RECORD, store);
        String lone = "broken \uD800 half";
        String replacement = "broken ? half";
        String big = "x".repeat(1 << 20) + "\uD83D\uDE00 end \uDC00";
        assertThat(record.answer("m", lone, () -> big)).isEqualTo(big);
        assertThat(record.answer("m", replacement, () -> "other")).isEqualTo("other");
        assertThat(AnswerStore.key(AnswerRequest.of("m", lone))).isNotEqualTo(AnswerStore.key(AnswerRequest.of("m", replacement)));
        Recorder replay = Recorder.using(StoreMode.REPLAY, store);
        assertThat(replay.answer("m", lone, () -> "never")).isEqualTo(big);
        assertThat(replay.answer("m", replacement, () -> "never")).isEqualTo("other");
        assertThat(AnswerStore.in(store).verify().problems()).isEmpty();
    }

    @Test
    void aTruncatedAnswerFileFailsNamingItAndOtherAnswersStillReplay() throws Exception {
        Path store = dir.resolve("store");
        Recorder record = Recorder.using(StoreMode.RECORD, store);
        record.answer("m", "one", () -> "first");
        record.answer("m", "two", () -> "second");
        Path file = store.resolve(AnswerStore.relativeFile(AnswerStore.key(AnswerRequest.of("m", "one"))));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        Recorder replay = Recorder.using(StoreMode.REPLAY, store);
        assertThatThrownBy(() -> replay.answer("m", "one", () -> "never"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("Damaged answer file " + file)
                .hasMessageContaining("Restore it from version control");
        assertThat(replay.answer("m", "two", () -> "never")).isEqualTo("second");
        JudgmentStore.Verification v = AnswerStore.in(store).verify();
        assertThat(v.problems()).singleElement().asString().contains(file.toString());
    }

    @Test
    void aFolderInTheWayOfAnAnswerFileFailsNamingIt() throws Exception {
        Path store = dir.resolve("store");
        Path file = store.resolve(AnswerStore.relativeFile(AnswerStore.key(AnswerRequest.of("m", "q"))));
        Files.createDirectories(file);
        Recorder record = Recorder.using(StoreMode.RECORD, store);
        assertThatThrownBy(() -> record.answer("m", "q", () -> "a"))
                .isInstanceOf(StoreException.class).hasMessageContaining("A folder is in the way of the answer file " + file);
        assertThat(record.answer("m", "other", () -> "fine")).isEqualTo("fine");
    }

    @Test
    void aFileInTheWayOfTheShardFolderKeepsThePaidForAnswerAndSaysWhere() throws Exception {
        Path store = dir.resolve("store");
        String key = AnswerStore.key(AnswerRequest.of("m", "q"));
        Files.createDirectories(store.resolve(AnswerStore.FOLDER));
        Files.writeString(store.resolve(AnswerStore.FOLDER).resolve(key.substring(0, 2)), "not a folder");
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Recorder.using(StoreMode.RECORD, store).answer("m", "q", () -> "paid for " + calls.incrementAndGet()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("a file is in the way")
                .hasMessageContaining("The model's answer was kept in");
        assertThat(calls).hasValue(1);
        Path kept = Recorder.UNSAVED.resolve(AnswerStore.relativeFile(key));
        try {
            assertThat(kept).exists();
            assertThat(Files.readString(kept)).contains("paid for 1");
        } finally {
            Files.deleteIfExists(kept);
        }
    }

    @Test
    void parallelThreadsAskTheModelOncePerRequest() throws Exception {
        Path calls = dir.resolve("calls.txt");
        Recorder record = Recorder.using(StoreMode.RECORD, dir.resolve("store"));
        List<String> answers = AnswerWorker.run(record, calls, 20, 8, "threads");
        assertThat(Files.readAllLines(calls)).hasSize(20).doesNotHaveDuplicates();
        assertThat(answers).hasSize(20);
    }

    @Test
    void twoJvmsRecordingTheSameRequestsAtOnceCallTheModelOncePerRequestAndSeeOneText() throws Exception {
        Path store = dir.resolve("store");
        Path calls = dir.resolve("calls.txt");
        int requests = 25;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process other = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), AnswerWorker.class.getName(),
                store.toString(), calls.toString(), String.valueOf(requests), "4").redirectErrorStream(true).start();
        List<String> theirs;
        List<String> ours;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("ready");
            other.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            other.getOutputStream().flush();
            ours = AnswerWorker.run(Recorder.using(StoreMode.RECORD, store), calls, requests, 4, "test");
            assertThat(other.waitFor(120, TimeUnit.SECONDS)).isTrue();
            theirs = out.lines().collect(Collectors.toList());
        } finally {
            other.destroyForcibly();
        }
        assertThat(other.exitValue()).as("worker output %s", theirs).isZero();
        assertThat(Files.readAllLines(calls)).hasSize(requests).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(theirs)).isEqualTo(new TreeSet<>(ours));
        assertThat(AnswerStore.in(store).verify().problems()).isEmpty();
        try (Stream<Path> all = Files.walk(store)) {
            assertThat(all.filter(p -> p.toString().endsWith(".tmp")).toList()).isEmpty();
        }
    }

    @Test
    void outsideARunTheCurrentRecorderIsRefusedWithWhatToDoInstead() {
        assertThatThrownBy(Recorder::current).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@AutoJ").hasMessageContaining("Recorder.using(StoreMode.RECORD");
    }

    @Test
    void theAnswerFileIsReadableJsonWithRequestAnswerUsageAndProvenance() throws Exception {
        Path store = dir.resolve("store");
        RecordedAnswer a = Recorder.using(StoreMode.RECORD, store)
                .answer(request("Be brief.", "Hi"), "langchain4j", r -> Answer.of("Hello!").withUsage(9, 2).withFinishReason("stop"));
        String json = Files.readString(store.resolve(AnswerStore.relativeFile(a.key())));
        assertThat(json).contains("\"format\": \"autoj-answer/1\"", "\"model\": \"support-bot\"", "\"role\": \"system\"",
                "\"text\": \"Be brief.\"", "\"temperature\": 0.7", "\"text\": \"Hello!\"", "\"input_tokens\": 9",
                "\"finish_reason\": \"stop\"", "\"source\": \"live:langchain4j\"", "\"recorded_at\": ");
        List<String> lines = new ArrayList<>(json.lines().toList());
        assertThat(lines.size()).isGreaterThan(10);
    }
}
