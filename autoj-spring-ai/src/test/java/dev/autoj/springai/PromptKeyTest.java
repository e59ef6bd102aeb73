package dev.autoj.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.answers.AnswerRequest;
import dev.autoj.engine.answers.AnswerStore;
import dev.autoj.engine.answers.RecordedAnswer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.MimeTypeUtils;

/** What keys a prompt, and a response as a recorded answer and back. */
class PromptKeyTest {

    private static final ChatModel MODEL = new ChatModel() {
        @Override
        public ChatResponse call(Prompt prompt) {
            throw new AssertionError("not called");
        }

        @Override
        public ChatOptions getOptions() {
            return ChatOptions.builder().model("default-model").temperature(0.5).maxTokens(300).build();
        }
    };

    private static String key(Prompt prompt) {
        return AnswerStore.key(PromptKey.request(prompt, MODEL));
    }

    @Test
    void withoutOptionsThePromptIsKeyedWithTheModelsDefaults() {
        AnswerRequest request = PromptKey.request(new Prompt("Hi"), MODEL);

        assertThat(request.model()).isEqualTo("default-model");
        assertThat(request.parameters()).containsOnlyKeys("maxTokens", "temperature");
        assertThat(request.parameters().get("temperature").asDouble()).isEqualTo(0.5);
    }

    @Test
    void thePromptsOptionsReplaceTheDefaultsAsSpringAiChatModelsDo() {
        AnswerRequest request = PromptKey.request(new Prompt("Hi", ChatOptions.builder().topP(0.9).build()), MODEL);

        assertThat(request.model()).isEqualTo("(" + MODEL.getClass().getSimpleName() + " default model)");
        assertThat(request.parameters()).containsOnlyKeys("topP");
    }

    @Test
    void providerOptionsThatChangeTheOutputAreKeyedAndConnectionSettingsAreNot() {
        OpenAiChatOptions options = OpenAiChatOptions.builder().model("gpt-test").seed(7).n(2).reasoningEffort("low")
                .stop(List.of("END")).responseFormat(OpenAiChatModel.ResponseFormat.builder()
                        .type(OpenAiChatModel.ResponseFormat.Type.JSON_OBJECT).build())
                .apiKey("sk-secret").baseUrl("http://10.0.0.1:9999/v1").build();

        AnswerRequest request = PromptKey.request(new Prompt("Hi", options), MODEL);

        assertThat(request.parameters()).containsKeys("seed", "n", "reasoningEffort", "stopSequences", "responseFormat");
        assertThat(request.parameters().get("seed").asInt()).isEqualTo(7);
        assertThat(request.parameters().get("responseFormat").toString()).contains("JSON_OBJECT");
        assertThat(request.describeLines().toString()).doesNotContain("sk-secret").doesNotContain("10.0.0.1");
        assertThat(key(new Prompt("Hi", options.mutate().seed(8).build()))).isNotEqualTo(key(new Prompt("Hi", options)));
        assertThat(key(new Prompt("Hi", options.mutate().apiKey("sk-other").timeout(java.time.Duration.ofSeconds(5)).build())))
                .isEqualTo(key(new Prompt("Hi", options)));
    }

    @Test
    void toolDefinitionsAreKeyed() {
        ToolCallback weather = tool("weather", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");
        ToolCallback weatherInF = tool("weather", "{\"type\":\"object\",\"properties\":{\"zip\":{\"type\":\"string\"}}}");

        AnswerRequest request = PromptKey.request(new Prompt("Hi", OpenAiChatOptions.builder().toolCallbacks(weather).build()), MODEL);

        assertThat(request.parameters().get("tools").get(0).get("inputSchema").get("properties").has("city")).isTrue();
        assertThat(key(new Prompt("Hi", OpenAiChatOptions.builder().toolCallbacks(weather).build())))
                .isNotEqualTo(key(new Prompt("Hi", OpenAiChatOptions.builder().toolCallbacks(weatherInF).build())))
                .isNotEqualTo(key(new Prompt("Hi", OpenAiChatOptions.builder().build())));
    }

    @Test
    void mediaToolCallsAndToolResponsesAreKeyedAsMessageAttributes() {
        UserMessage photo = UserMessage.builder().text("What is this?")
                .media(new Media(MimeTypeUtils.IMAGE_PNG, new ByteArrayResource(new byte[] {1, 2, 3}))).build();
        UserMessage otherPhoto = UserMessage.builder().text("What is this?")
                .media(new Media(MimeTypeUtils.IMAGE_PNG, new ByteArrayResource(new byte[] {1, 2, 4}))).build();
        AssistantMessage asks = AssistantMessage.builder().content("")
                .toolCalls(List.of(new AssistantMessage.ToolCall("c1", "function", "weather", "{\"city\":\"Oslo\"}"))).build();
        ToolResponseMessage answers = ToolResponseMessage.builder()
                .responses(List.of(new ToolResponseMessage.ToolResponse("c1", "weather", "rain"))).build();
        ToolResponseMessage answersOther = ToolResponseMessage.builder()
                .responses(List.of(new ToolResponseMessage.ToolResponse("c1", "weather", "sun"))).build();

        AnswerRequest request = PromptKey.request(new Prompt(List.of(photo, asks, answers)), MODEL);

        assertThat(request.messages()).extracting(AnswerRequest.Message::role).containsExactly("user", "assistant", "tool");
        assertThat(request.messages().get(0).attributes().get("media 001")).startsWith("image/png sha256:").endsWith("(3 bytes)");
        assertThat(request.messages().get(1).attributes().get("tool call 001")).contains("weather", "Oslo");
        assertThat(request.messages().get(2).attributes().get("tool response 001")).contains("rain");
        String key = key(new Prompt(List.of(photo, asks, answers)));
        assertThat(key(new Prompt(List.of(otherPhoto, asks, answers)))).isNotEqualTo(key);
        assertThat(key(new Prompt(List.of(photo, asks, answersOther)))).isNotEqualTo(key);
    }

    @Test
    void aResponseWithToolCallsAndNoTextReplaysAsItWasRecorded() {
        AssistantMessage output = AssistantMessage.builder()
                .toolCalls(List.of(new AssistantMessage.ToolCall("c9", "function", "weather", "{\"city\":\"Bergen\"}"))).build();
        ChatResponse original = new ChatResponse(List.of(new Generation(output,
                ChatGenerationMetadata.builder().finishReason("TOOL_CALLS").build())),
                ChatResponseMetadata.builder().model("gpt-test").usage(new DefaultUsage(30, 4)).build());

        RecordedAnswer recorded = new RecordedAnswer("ab".repeat(32), AnswerRequest.of("gpt-test", "Weather?"),
                ResponseCodec.answer(original), "live:spring-ai:Test", Instant.parse("2026-01-02T03:04:05Z"), RecordedAnswer.Served.REPLAYED);
        ChatResponse replayed = ResponseCodec.response(recorded, RecordedChatModel.PROVENANCE_KEY);

        assertThat(replayed.getResult().getOutput().getText()).isNull();
        assertThat(replayed.getResult().getOutput().getToolCalls()).isEqualTo(output.getToolCalls());
        assertThat(replayed.hasToolCalls()).isTrue();
        assertThat(replayed.getResult().getMetadata().getFinishReason()).isEqualTo("TOOL_CALLS");
        assertThat(replayed.getMetadata().getUsage().getPromptTokens()).isEqualTo(30);
        assertThat(replayed.getMetadata().getUsage().getTotalTokens()).isEqualTo(34);
        assertThat(replayed.getMetadata().getModel()).isEqualTo("gpt-test");
        assertThat(ResponseCodec.answer(new ChatResponse(List.of())).attributes()).isEqualTo(Map.of(ResponseCodec.NO_GENERATION, "true"));
    }

    private static ToolCallback tool(String name, String schema) {
        ToolDefinition definition = ToolDefinition.builder().name(name).description("The weather now").inputSchema(schema).build();
        return new ToolCallback() {
            @Override
            public ToolDefinition getToolDefinition() {
                return definition;
            }

            @Override
            public String call(String toolInput) {
                return "rain";
            }
        };
    }
}
