package dev.autoj.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.answers.AnswerMissException;
import dev.autoj.engine.answers.AnswerStore;
import dev.autoj.engine.answers.Recorder;
import dev.autoj.engine.store.StoreMode;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordedChatModelTest {

    @TempDir
    Path store;

    private static ChatModel openAi(String baseUrl, double temperature) {
        return OpenAiChatModel.builder().baseUrl(baseUrl).apiKey("not-needed").modelName("gpt-4o-mini").temperature(temperature)
                .maxRetries(0).build();
    }

    private static String ask(ChatModel model, String system, String question) {
        return model.chat(SystemMessage.from(system), UserMessage.from(question)).aiMessage().text();
    }

    @Test
    void recordAsksTheRealClientOncePerDistinctRequestAndReplayAnswersThreeTimesWithTheServerStopped() throws Exception {
        List<String> recorded = new ArrayList<>();
        try (ChatServer server = new ChatServer()) {
            ChatModel model = RecordedChatModel.wrap(openAi(server.baseUrl(), 0.7), Recorder.using(StoreMode.RECORD, store));
            recorded.add(ask(model, "You are terse.", "Capital of France?"));
            recorded.add(ask(model, "You are terse.", "Capital of Italy?"));
            assertThat(ask(model, "You are terse.", "Capital of France?")).isEqualTo(recorded.get(0));
            assertThat(model.chat("Plain question")).startsWith("Answer #3");
            assertThat(server.calls()).isEqualTo(3);
            assertThat(server.requests.get(0).path("temperature").asDouble()).isEqualTo(0.7);
        }
        for (int run = 0; run < 3; run++) {
            ChatModel model = RecordedChatModel.wrap(openAi("http://127.0.0.1:9/v1", 0.7), Recorder.using(StoreMode.REPLAY, store));
            assertThat(ask(model, "You are terse.", "Capital of France?")).isEqualTo(recorded.get(0));
            assertThat(ask(model, "You are terse.", "Capital of Italy?")).isEqualTo(recorded.get(1));
        }
        ChatResponse replayed = RecordedChatModel.wrap(openAi("http://127.0.0.1:9/v1", 0.7), Recorder.using(StoreMode.REPLAY, store))
                .chat(ChatRequest.builder().messages(SystemMessage.from("You are terse."), UserMessage.from("Capital of France?")).build());
        assertThat(replayed.tokenUsage().outputTokenCount()).isEqualTo(7);
        assertThat(replayed.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(replayed.modelName()).isEqualTo("gpt-4o-mini");
        assertThat(AnswerStore.in(store).verify().problems()).isEmpty();
        assertThat(AnswerStore.in(store).verify().checked()).isEqualTo(3);
    }

    @Test
    void oneChangedWordOfTheSystemPromptIsAReplayMissShowingTheRecordedAndTheNewLine() throws Exception {
        try (ChatServer server = new ChatServer()) {
            ask(RecordedChatModel.wrap(openAi(server.baseUrl(), 0.7), Recorder.using(StoreMode.RECORD, store)),
                    "You are a support assistant.\nAnswer in one sentence.", "Where is my parcel?");
        }
        ChatModel replay = RecordedChatModel.wrap(openAi("http://127.0.0.1:9/v1", 0.7), Recorder.using(StoreMode.REPLAY, store));
        assertThatThrownBy(() -> ask(replay, "You are a support assistant.\nAnswer in two sentences.", "Where is my parcel?"))
                .isInstanceOf(AnswerMissException.class)
                .hasMessageContaining("no recorded answer of model gpt-4o-mini")
                .hasMessageContaining("-Answer in one sentence.")
                .hasMessageContaining("+Answer in two sentences.");
    }

    @Test
    void theWrappedModelsTemperatureAndModelNameArePartOfTheKey() throws Exception {
        try (ChatServer server = new ChatServer()) {
            Recorder record = Recorder.using(StoreMode.RECORD, store);
            String a = ask(RecordedChatModel.wrap(openAi(server.baseUrl(), 0.7), record), "s", "q");
            String b = ask(RecordedChatModel.wrap(openAi(server.baseUrl(), 0.2), record), "s", "q");
            ChatModel otherModel = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("x").modelName("gpt-4o").temperature(0.7)
                    .maxRetries(0).build();
            String c = ask(RecordedChatModel.wrap(otherModel, record), "s", "q");
            String seeded = ask(RecordedChatModel.wrap(OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("x")
                    .modelName("gpt-4o-mini").temperature(0.7).seed(42).maxRetries(0).build(), record), "s", "q");
            assertThat(List.of(a, b, c, seeded)).doesNotHaveDuplicates();
            assertThat(server.calls()).isEqualTo(4);
        }
        assertThat(AnswerStore.in(store).models()).containsExactly("gpt-4o", "gpt-4o-mini");
    }

    @Test
    void liveCallsEveryTimeAndStoresNothing() throws Exception {
        try (ChatServer server = new ChatServer()) {
            ChatModel model = RecordedChatModel.wrap(openAi(server.baseUrl(), 0.7), Recorder.using(StoreMode.LIVE, store));
            assertThat(ask(model, "s", "q")).isNotEqualTo(ask(model, "s", "q"));
            assertThat(server.calls()).isEqualTo(2);
        }
        assertThat(AnswerStore.in(store).files()).isEmpty();
    }

    @Test
    void anUnreachableModelInRecordModeFailsWithTheClientsErrorAndStoresNothing() {
        ChatModel model = RecordedChatModel.wrap(openAi("http://127.0.0.1:9/v1", 0.7), Recorder.using(StoreMode.RECORD, store));
        assertThatThrownBy(() -> ask(model, "s", "q")).isNotInstanceOf(AnswerMissException.class)
                .isNotInstanceOf(dev.autoj.engine.store.StoreException.class)
                .hasStackTraceContaining("ConnectException");
        assertThat(AnswerStore.in(store).files()).isEmpty();
    }

    @Test
    void outsideARunWithoutExplicitSettingsTheWrapperSaysWhatToDo() {
        ChatModel model = RecordedChatModel.wrap(openAi("http://127.0.0.1:9/v1", 0.7));
        assertThatThrownBy(() -> model.chat("q")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No autoj test run is active");
    }
}
