package dev.autoj.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.answers.AnswerMissException;
import dev.autoj.engine.answers.Recorder;
import dev.autoj.engine.store.StoreMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/** RecordedChatModel around Spring AI's real OpenAiChatModel, against a loopback chat server that answers differently every call. */
class RecordedChatModelTest {

    private static final String SYSTEM = "You are a helpful assistant for a bike shop.\nAnswer in two sentences.";
    private static final String QUESTION = "Can I return a bike after 40 days?";

    @TempDir
    Path store;

    private ChatServer server;
    private OpenAiChatModel openAi;

    @BeforeEach
    void start() throws IOException {
        server = new ChatServer();
        openAi = openAi(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static OpenAiChatModel openAi(ChatServer server) {
        return OpenAiChatModel.builder()
                .options(OpenAiChatOptions.builder().baseUrl(server.baseUrl()).apiKey("sk-loopback-secret")
                        .model("gpt-test").temperature(0.7).maxRetries(0).build())
                .build();
    }

    private ChatModel recorded(StoreMode mode) {
        return RecordedChatModel.wrap(openAi, Recorder.using(mode, store));
    }

    private static Message[] conversation(String system, String question) {
        return new Message[] {new SystemMessage(system), new UserMessage(question)};
    }

    private List<Path> answerFiles() {
        Path answers = store.resolve("answers");
        if (!Files.exists(answers)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(answers)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void recordAsksTheModelOncePerDistinctRequest() {
        ChatModel model = recorded(StoreMode.RECORD);

        String first = model.call(conversation(SYSTEM, QUESTION));
        String again = model.call(conversation(SYSTEM, QUESTION));
        String other = model.call(conversation(SYSTEM, "Do you sell helmets?"));
        String viaString = model.call("Do you sell helmets?");
        String viaStringAgain = RecordedChatModel.wrap(openAi, Recorder.using(StoreMode.RECORD, store)).call("Do you sell helmets?");

        assertThat(first).isEqualTo("answer #1 to: " + QUESTION);
        assertThat(again).isEqualTo(first);
        assertThat(other).isEqualTo("answer #2 to: Do you sell helmets?");
        assertThat(viaString).isEqualTo("answer #3 to: Do you sell helmets?");
        assertThat(viaStringAgain).isEqualTo(viaString);
        assertThat(server.calls()).isEqualTo(3);
        assertThat(answerFiles()).hasSize(3);
    }

    @Test
    void replayNeverCallsTheModelAndReturnsTheRecordedAnswerEveryTime() throws IOException {
        String recorded = recorded(StoreMode.RECORD).call(conversation(SYSTEM, QUESTION));
        server.close();

        for (int run = 0; run < 3; run++) {
            ChatResponse response = recorded(StoreMode.REPLAY).call(new Prompt(List.of(conversation(SYSTEM, QUESTION))));

            assertThat(response.getResult().getOutput().getText()).isEqualTo(recorded);
            assertThat(response.getResult().getMetadata().getFinishReason()).isEqualToIgnoringCase("stop");
            assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(12);
            assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(7);
            assertThat(response.getMetadata().getModel()).isEqualTo("gpt-test");
            assertThat((String) response.getMetadata().get(RecordedChatModel.PROVENANCE_KEY))
                    .startsWith("replayed answer of gpt-test").contains("live:spring-ai:OpenAiChatModel");
        }
        assertThat(server.calls()).isEqualTo(1);

        String file = Files.readString(answerFiles().get(0));
        assertThat(file).contains("gpt-test", "temperature", "spring-ai:OpenAiChatModel")
                .doesNotContain("sk-loopback-secret").doesNotContain(server.baseUrl());
    }

    @Test
    void liveCallsTheModelEveryTimeAndStoresNothing() {
        ChatModel model = recorded(StoreMode.LIVE);

        String first = model.call(conversation(SYSTEM, QUESTION));
        String second = model.call(conversation(SYSTEM, QUESTION));

        assertThat(first).isNotEqualTo(second);
        assertThat(server.calls()).isEqualTo(2);
        assertThat(answerFiles()).isEmpty();
    }

    @Test
    void oneChangedWordOfTheSystemPromptIsAReplayMissThatShowsBothLines() {
        recorded(StoreMode.RECORD).call(conversation(SYSTEM, QUESTION));
        server.close();
        String changed = SYSTEM.replace("helpful", "careful");

        assertThatThrownBy(() -> recorded(StoreMode.REPLAY).call(conversation(changed, QUESTION)))
                .isInstanceOf(AnswerMissException.class)
                .hasMessageContaining("no recorded answer of model gpt-test")
                .hasMessageContaining("\n-You are a helpful assistant for a bike shop.")
                .hasMessageContaining("\n+You are a careful assistant for a bike shop.")
                .hasMessageContaining("-Dautoj.mode=record");
        assertThat(server.calls()).isEqualTo(1);
    }

    @Test
    void theTemperatureAndTheModelOfThePromptChangeTheKey() {
        ChatModel record = recorded(StoreMode.RECORD);
        record.call(conversation(SYSTEM, QUESTION));
        record.call(new Prompt(List.of(conversation(SYSTEM, QUESTION)), OpenAiChatOptions.builder().model("gpt-test").temperature(0.7).build()));
        assertThat(server.calls()).as("the prompt's options equal to the defaults: the same request").isEqualTo(1);

        record.call(new Prompt(List.of(conversation(SYSTEM, QUESTION)), OpenAiChatOptions.builder().model("gpt-test").temperature(0.2).build()));
        record.call(new Prompt(List.of(conversation(SYSTEM, QUESTION)), OpenAiChatOptions.builder().model("gpt-other").temperature(0.7).build()));
        assertThat(server.calls()).isEqualTo(3);
        assertThat(server.requests().get(1).path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(server.requests().get(2).path("model").asText()).isEqualTo("gpt-other");
        server.close();

        ChatModel replay = recorded(StoreMode.REPLAY);
        assertThatThrownBy(() -> replay.call(new Prompt(List.of(conversation(SYSTEM, QUESTION)),
                OpenAiChatOptions.builder().model("gpt-test").temperature(0.3).build())))
                .isInstanceOf(AnswerMissException.class)
                .hasMessageContaining("+parameter temperature: 0.3");
        assertThatThrownBy(() -> replay.call(new Prompt(List.of(conversation(SYSTEM, QUESTION)),
                OpenAiChatOptions.builder().model("gpt-test").temperature(0.7).seed(42).build())))
                .isInstanceOf(AnswerMissException.class)
                .hasMessageContaining("+parameter seed: 42");
        assertThatThrownBy(() -> replay.call(new Prompt(List.of(conversation(SYSTEM, QUESTION)),
                OpenAiChatOptions.builder().model("gpt-4o").temperature(0.7).build())))
                .isInstanceOf(AnswerMissException.class)
                .hasMessageContaining("no recorded answer of model gpt-4o");
    }

    @Test
    void aModelThatFailsInRecordModeStoresNothingAndTheErrorIsTheModels() throws IOException {
        server.close();
        server = new ChatServer().failing();
        openAi = openAi(server);

        assertThatThrownBy(() -> recorded(StoreMode.RECORD).call(conversation(SYSTEM, QUESTION)))
                .hasMessageContaining("the loopback model is down");
        assertThat(server.calls()).isEqualTo(1);
        assertThat(answerFiles()).isEmpty();

        ChatModel throwing = prompt -> {
            throw new IllegalStateException("quota exceeded");
        };
        assertThatThrownBy(() -> RecordedChatModel.wrap(throwing, Recorder.using(StoreMode.RECORD, store)).call(QUESTION))
                .isInstanceOf(IllegalStateException.class).hasMessage("quota exceeded");
        assertThat(answerFiles()).isEmpty();
    }

    @Test
    void outsideATestRunWrapWithoutSettingsSaysWhatToDo() {
        assertThat(Recorder.ifActive()).isEmpty();
        ChatModel model = RecordedChatModel.wrap(openAi);

        assertThatThrownBy(() -> model.call(QUESTION))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No autoj test run is active")
                .hasMessageContaining("Recorder.using(");
        assertThat(server.calls()).isZero();
    }

    @Test
    void theRunsRecorderIsLookedUpAtEachCall() {
        ChatModel model = RecordedChatModel.wrap(openAi);
        Recorder run = Recorder.using(StoreMode.RECORD, store);
        Recorder.install(run);
        try {
            model.call(QUESTION);
        } finally {
            Recorder.uninstall(run);
        }
        server.close();
        Recorder replay = Recorder.using(StoreMode.REPLAY, store);
        Recorder.install(replay);
        try {
            assertThat(model.call(QUESTION)).isEqualTo("answer #1 to: " + QUESTION);
        } finally {
            Recorder.uninstall(replay);
        }
    }

    @Test
    void streamingIsRefusedWithAReason() {
        ChatModel model = recorded(StoreMode.RECORD);

        assertThatThrownBy(() -> model.stream(new Prompt(QUESTION)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("streaming")
                .hasMessageContaining("call(Prompt)");
        assertThat(server.calls()).isZero();
    }

    @Test
    void aChatClientOnTheWrappedModelSeesTheModelsDefaultOptions() {
        assertThat(recorded(StoreMode.RECORD).getOptions()).isSameAs(openAi.getOptions());
    }
}
