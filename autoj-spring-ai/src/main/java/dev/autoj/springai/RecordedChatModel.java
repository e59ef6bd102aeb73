package dev.autoj.springai;

import dev.autoj.engine.answers.AnswerRequest;
import dev.autoj.engine.answers.RecordedAnswer;
import dev.autoj.engine.answers.Recorder;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;

/**
 * A Spring AI {@link ChatModel} whose answers are recorded beside autoj's judgments and replayed in CI.
 * It wraps the application's model; at each {@link #call(Prompt)} (and the {@code call(String)} /
 * {@code call(Message...)} forms, which go through it) it asks autoj's {@link Recorder} for the answer:
 * <ul>
 * <li>{@code autoj.mode=record}: a recorded answer is reused; otherwise the wrapped model is called once
 *     per distinct request and its answer written to {@code <autoj.store.dir>/answers/}.</li>
 * <li>{@code replay}: the wrapped model is never called; a request with no recorded answer fails with an
 *     {@link dev.autoj.engine.answers.AnswerMissException} that shows, as a unified diff, what changed
 *     against the nearest recorded request of the same model.</li>
 * <li>{@code live}: the wrapped model is called every time; nothing is stored.</li>
 * </ul>
 * The request is keyed by the effective model name, every message (role, text, media, tool calls and
 * tool responses) and every option that changes the output: the prompt's options when it has them,
 * otherwise the wrapped model's {@link ChatModel#getOptions() default options} (as Spring AI's chat
 * models do; {@code ChatClient} has already merged its defaults into the prompt's options by then).
 * Of the options it keys temperature, top-p, top-k, max tokens, stop sequences, frequency and presence
 * penalty, the output schema, the tool definitions, and where the options type has them the seed, the
 * response format and the other sampling options of Spring AI's model options (see
 * {@code docs/spring-ai.md}). Connection settings (base URL, API key, timeouts, headers) are not keyed
 * and never stored.
 *
 * <pre>{@code
 * @AutoJ
 * class AssistantPromptTest {
 *     static final ChatModel MODEL = RecordedChatModel.wrap(OpenAiChatModel.builder().options(options).build());
 *
 *     @Test
 *     void answersTheRefundQuestion() {
 *         String answer = MODEL.call(new SystemMessage(Prompts.SYSTEM), new UserMessage("Can I get a refund?"));
 *         assertThatResponse(answer).to("Can I get a refund?").isRatedAtLeast(6);
 *     }
 * }
 *
 * // outside a test run: explicit settings
 * ChatModel model = RecordedChatModel.wrap(openAi, Recorder.using(StoreMode.RECORD, Path.of("src/test/resources/autoj-store")));
 * }</pre>
 *
 * <p>Streaming is not recorded: {@link #stream(Prompt)} throws {@link UnsupportedOperationException}
 * in every mode, rather than calling the model unrecorded in record mode or reaching for a network
 * that a replay in CI does not have. Call {@link #call(Prompt)} in tests.
 *
 * <p>The response of a call that asked the wrapped model is the model's own {@link ChatResponse}; a
 * response read from the store carries the answer text (with any tool calls) as an
 * {@link org.springframework.ai.chat.messages.AssistantMessage}, the finish reason, the token usage and
 * the model name when they were known, and the answer's provenance under the metadata key
 * {@value #PROVENANCE_KEY}. Only the first generation of a response is recorded.
 */
public final class RecordedChatModel implements ChatModel {

    /** The {@link ChatResponse} metadata key that tells where the answer came from ({@link RecordedAnswer#describe()}). */
    public static final String PROVENANCE_KEY = "autoj.answer";

    private final ChatModel delegate;
    private final Supplier<Recorder> recorder;
    private final String client;

    private RecordedChatModel(ChatModel delegate, Supplier<Recorder> recorder) {
        this.delegate = Objects.requireNonNull(delegate, "the chat model to record");
        if (delegate instanceof RecordedChatModel) {
            throw new IllegalArgumentException("This chat model is already a RecordedChatModel; wrap the application's model once.");
        }
        this.recorder = recorder;
        this.client = "spring-ai:" + delegate.getClass().getSimpleName();
    }

    /**
     * The model, recorded and replayed with the running autoj test run's settings ({@code autoj.mode},
     * {@code autoj.store.dir}), looked up at each call: create it anywhere (a field, a static field, a bean).
     * A call outside a run fails with a message that points to {@link #wrap(ChatModel, Recorder)}.
     */
    public static ChatModel wrap(ChatModel model) {
        return new RecordedChatModel(model, Recorder::current);
    }

    /** The model, recorded and replayed with explicit settings, e.g. {@code Recorder.using(StoreMode.REPLAY, storeDir)}. */
    public static ChatModel wrap(ChatModel model, Recorder recorder) {
        Objects.requireNonNull(recorder, "recorder");
        return new RecordedChatModel(model, () -> recorder);
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        Objects.requireNonNull(prompt, "prompt");
        AnswerRequest request = PromptKey.request(prompt, delegate);
        AtomicReference<ChatResponse> fresh = new AtomicReference<>();
        RecordedAnswer recorded = recorder.get().answer(request, client, r -> {
            ChatResponse response = delegate.call(prompt);
            if (response == null) {
                throw new IllegalStateException(client + " returned no ChatResponse (null) for the prompt; nothing was stored.");
            }
            fresh.set(response);
            return ResponseCodec.answer(response);
        });
        ChatResponse own = fresh.get();
        return own != null ? own : ResponseCodec.response(recorded, PROVENANCE_KEY);
    }

    /** Not recorded: always throws, see the class documentation. */
    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        throw new UnsupportedOperationException("RecordedChatModel records and replays call(Prompt) only; streaming ("
                + client + ".stream) is not recorded, so it is refused in every autoj mode rather than calling the model"
                + " unrecorded. In tests call call(Prompt) (or call(String) / call(Message...)) on the wrapped model; stream"
                + " with the unwrapped model where streaming itself is what you test.");
    }

    /** The wrapped model's default options, so that a {@code ChatClient} on this model merges the same defaults. */
    @Override
    public ChatOptions getOptions() {
        return delegate.getOptions();
    }

    @Override
    public String toString() {
        return "RecordedChatModel[" + delegate + "]";
    }
}
