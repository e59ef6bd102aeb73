package dev.autoj.langchain4j;

import dev.autoj.engine.answers.Answer;
import dev.autoj.engine.answers.AnswerRequest;
import dev.autoj.engine.answers.RecordedAnswer;
import dev.autoj.engine.answers.Recorder;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A LangChain4j {@link ChatModel} whose answers are recorded and replayed beside Auto-J's judgments:
 * in {@code record} mode a request the store lacks is sent to the wrapped model once and its answer
 * stored; in {@code replay} mode the wrapped model is never called and a missing answer fails with
 * the diff against the nearest recorded request; in {@code live} mode every call goes through and
 * nothing is stored. The mode and store folder are the running {@code @AutoJ} run's
 * ({@code autoj.mode}, {@code autoj.store.dir}), looked up at each call, so the wrapper can be made
 * anywhere: a field, a static field, a helper. Outside a run, pass a {@link Recorder} with explicit settings.
 *
 * <pre>{@code
 * ChatModel model = RecordedChatModel.wrap(OpenAiChatModel.builder()
 *         .baseUrl(url).apiKey(key).modelName("gpt-4o-mini").temperature(0.7).build());
 * String answer = model.chat("Summarize this post: " + post);          // recorded once, then replayed
 *
 * ChatModel outsideTests = RecordedChatModel.wrap(openAi, Recorder.using(StoreMode.RECORD, Path.of("answers-store")));
 * }</pre>
 *
 * <p>The key is the request as the wrapped model would send it: its default request parameters
 * overridden by the request's, then the model name, every message (role, text, and the full message
 * when it carries more than text: a name, images, tool calls or results) and every parameter that
 * changes the answer (temperature, top-p, top-k, penalties, max tokens, stop sequences, tools, tool
 * choice, response format, and the provider's own parameters such as OpenAI's seed). Streaming models
 * ({@code StreamingChatModel}) are not wrapped: record a non-streaming model of the same provider.
 */
public final class RecordedChatModel implements ChatModel {

    private final ChatModel delegate;
    private final Recorder recorder;

    private RecordedChatModel(ChatModel delegate, Recorder recorder) {
        this.delegate = Objects.requireNonNull(delegate, "the ChatModel to wrap");
        this.recorder = recorder;
    }

    /** {@code model}, recorded and replayed with the running {@code @AutoJ} run's settings (looked up at each call). */
    public static ChatModel wrap(ChatModel model) {
        return new RecordedChatModel(model, null);
    }

    /** {@code model}, recorded and replayed with {@code recorder}'s mode and store, in or outside a test run. */
    public static ChatModel wrap(ChatModel model, Recorder recorder) {
        return new RecordedChatModel(model, Objects.requireNonNull(recorder, "recorder"));
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        return chat(request, delegate::chat);
    }

    @Override
    public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
        return chat(request, r -> delegate.chat(r, options));
    }

    private ChatResponse chat(ChatRequest request, Function<ChatRequest, ChatResponse> call) {
        Recorder active = recorder != null ? recorder : Recorder.current();
        ChatRequestParameters effective = delegate.defaultRequestParameters() == null ? request.parameters()
                : delegate.defaultRequestParameters().overrideWith(request.parameters());
        AnswerRequest keyed = toAnswerRequest(request.messages(), effective, delegate);
        RecordedAnswer answer = active.answer(keyed, "langchain4j:" + delegate.getClass().getSimpleName(),
                r -> toAnswer(call.apply(request)));
        return toResponse(answer);
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    /** None here: the wrapped model calls its own listeners when it is called; a replay calls no model. */
    @Override
    public List<ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }

    // ---- request → canonical request ----------------------------------------------------------

    static AnswerRequest toAnswerRequest(List<ChatMessage> messages, ChatRequestParameters p, ChatModel delegate) {
        String model = p != null && p.modelName() != null ? p.modelName()
                : delegate.provider() + "/" + delegate.getClass().getSimpleName();
        List<AnswerRequest.Message> keyed = new ArrayList<>();
        for (ChatMessage m : messages) {
            keyed.add(message(m));
        }
        AnswerRequest request = AnswerRequest.of(model, keyed);
        if (p == null) {
            return request;
        }
        request = request.with("temperature", p.temperature()).with("top_p", p.topP()).with("top_k", p.topK())
                .with("frequency_penalty", p.frequencyPenalty()).with("presence_penalty", p.presencePenalty())
                .with("max_output_tokens", p.maxOutputTokens())
                .with("stop", empty(p.stopSequences()) ? null : p.stopSequences())
                .with("tools", empty(p.toolSpecifications()) ? null : p.toolSpecifications().stream().map(Object::toString).toList())
                .with("tool_choice", p.toolChoice() == null ? null : p.toolChoice().name().toLowerCase(Locale.ROOT))
                .with("response_format", p.responseFormat() == null ? null : p.responseFormat().toString());
        return withProviderParameters(request, p);
    }

    private static AnswerRequest.Message message(ChatMessage m) {
        String role = m.type().name().toLowerCase(Locale.ROOT);
        if (m instanceof SystemMessage system) {
            return AnswerRequest.Message.of(role, system.text());
        }
        if (m instanceof UserMessage user && user.hasSingleText() && user.name() == null) {
            return AnswerRequest.Message.of(role, user.singleText());
        }
        if (m instanceof AiMessage ai && !ai.hasToolExecutionRequests() && ai.text() != null) {
            return AnswerRequest.Message.of(role, ai.text());
        }
        // More than text (a name, images, tool calls or results): the readable text for the diff, and
        // LangChain4j's own JSON form of the whole message in the key.
        String text = m instanceof UserMessage user ? user.contents().stream().map(Object::toString).reduce((a, b) -> a + "\n" + b).orElse("")
                : m instanceof AiMessage ai ? (ai.text() == null ? "" : ai.text())
                : m instanceof dev.langchain4j.data.message.ToolExecutionResultMessage result ? result.text()
                : m.toString();
        return AnswerRequest.Message.of(role, text).with("langchain4j_message", ChatMessageSerializer.messageToJson(m));
    }

    /**
     * The provider's own parameters (OpenAI's seed, user, logit bias, reasoning effort …): the
     * non-null values of the public no-argument accessors its parameters class adds to LangChain4j's.
     */
    private static AnswerRequest withProviderParameters(AnswerRequest request, ChatRequestParameters p) {
        Class<?> type = p.getClass();
        if (type == DefaultChatRequestParameters.class) {
            return request;
        }
        for (Method method : type.getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers()) || method.getReturnType() == void.class
                    || isDeclaredBy(method, DefaultChatRequestParameters.class) || isDeclaredBy(method, ChatRequestParameters.class)
                    || method.getDeclaringClass() == Object.class || method.getName().startsWith("to")) {
                continue;
            }
            try {
                Object value = method.invoke(p);
                if (value == null || (value instanceof Collection<?> c && c.isEmpty()) || (value instanceof Map<?, ?> m && m.isEmpty())) {
                    continue;
                }
                request = request.with(method.getName(), value instanceof Number || value instanceof Boolean || value instanceof String
                        ? value : value.toString());
            } catch (ReflectiveOperationException | RuntimeException unreadable) {
                throw new IllegalStateException("Cannot read the request parameter " + method.getName() + " of "
                        + type.getName() + " for the answer's store key: " + unreadable, unreadable);
            }
        }
        return request;
    }

    private static boolean isDeclaredBy(Method method, Class<?> type) {
        try {
            type.getMethod(method.getName());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static boolean empty(Collection<?> values) {
        return values == null || values.isEmpty();
    }

    // ---- response ↔ stored answer --------------------------------------------------------------

    static Answer toAnswer(ChatResponse response) {
        if (response == null || response.aiMessage() == null) {
            throw new IllegalStateException("The wrapped ChatModel returned no AiMessage; nothing was stored.");
        }
        AiMessage ai = response.aiMessage();
        TokenUsage usage = response.tokenUsage();
        Answer answer = Answer.of(ai.text() == null ? "" : ai.text())
                .withUsage(usage == null ? null : usage.inputTokenCount(), usage == null ? null : usage.outputTokenCount())
                .withFinishReason(response.finishReason() == null ? null : response.finishReason().name().toLowerCase(Locale.ROOT));
        if (ai.text() == null || ai.hasToolExecutionRequests() || ai.thinking() != null) {
            answer = answer.with("langchain4j_ai_message", ChatMessageSerializer.messageToJson(ai));
        }
        if (response.modelName() != null) {
            answer = answer.with("response_model", response.modelName());
        }
        return answer;
    }

    static ChatResponse toResponse(RecordedAnswer recorded) {
        Answer a = recorded.answer();
        String json = a.attributes().get("langchain4j_ai_message");
        AiMessage ai = json != null ? (AiMessage) ChatMessageDeserializer.messageFromJson(json) : AiMessage.from(a.text());
        ChatResponseMetadata.Builder<?> metadata = ChatResponseMetadata.builder()
                .modelName(a.attributes().getOrDefault("response_model", recorded.request().model()));
        if (a.inputTokens() != null || a.outputTokens() != null) {
            metadata.tokenUsage(new TokenUsage(a.inputTokens(), a.outputTokens()));
        }
        if (a.finishReason() != null) {
            try {
                metadata.finishReason(FinishReason.valueOf(a.finishReason().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException unknown) {
                metadata.finishReason(FinishReason.OTHER);
            }
        }
        return ChatResponse.builder().aiMessage(ai).metadata(metadata.build()).build();
    }
}
