package dev.autoj.springai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.autoj.engine.answers.Answer;
import dev.autoj.engine.answers.RecordedAnswer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.EmptyUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/** A {@link ChatResponse} as a recorded {@link Answer} and back: the first generation's text, tool calls, finish reason, usage and model. */
final class ResponseCodec {

    /** Answer attributes. */
    static final String TOOL_CALLS = "toolCalls";
    static final String RESPONSE_MODEL = "responseModel";
    /** The answer had no text at all (null, e.g. only tool calls), told apart from an empty text. */
    static final String NO_TEXT = "noText";
    /** The response had no generation at all. */
    static final String NO_GENERATION = "noGeneration";

    private ResponseCodec() {
    }

    static Answer answer(ChatResponse response) {
        Generation generation = response.getResult();
        Answer answer;
        if (generation == null) {
            answer = Answer.of("").with(NO_GENERATION, "true");
        } else {
            AssistantMessage output = generation.getOutput();
            String text = output == null ? null : output.getText();
            answer = Answer.of(text == null ? "" : text);
            if (text == null) {
                answer = answer.with(NO_TEXT, "true");
            }
            if (output != null && output.hasToolCalls()) {
                ArrayNode calls = PromptKey.JSON.createArrayNode();
                output.getToolCalls().forEach(call -> calls.add(PromptKey.toolCall(call)));
                answer = answer.with(TOOL_CALLS, calls.toString());
            }
            String finish = generation.getMetadata() == null ? null : generation.getMetadata().getFinishReason();
            if (finish != null && !finish.isBlank()) {
                answer = answer.withFinishReason(finish);
            }
        }
        ChatResponseMetadata metadata = response.getMetadata();
        if (metadata != null) {
            Usage usage = metadata.getUsage();
            if (usage != null && !(usage instanceof EmptyUsage)) {
                answer = answer.withUsage(usage.getPromptTokens(), usage.getCompletionTokens());
            }
            if (metadata.getModel() != null && !metadata.getModel().isBlank()) {
                answer = answer.with(RESPONSE_MODEL, metadata.getModel());
            }
        }
        return answer;
    }

    static ChatResponse response(RecordedAnswer recorded, String provenanceKey) {
        Answer answer = recorded.answer();
        ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder().keyValue(provenanceKey, recorded.describe());
        if (answer.inputTokens() != null || answer.outputTokens() != null) {
            metadata.usage(new DefaultUsage(answer.inputTokens(), answer.outputTokens(), null, null));
        }
        String model = answer.attributes().get(RESPONSE_MODEL);
        if (model != null) {
            metadata.model(model);
        }
        if ("true".equals(answer.attributes().get(NO_GENERATION))) {
            return new ChatResponse(List.of(), metadata.build());
        }
        AssistantMessage output = AssistantMessage.builder()
                .content("true".equals(answer.attributes().get(NO_TEXT)) ? null : answer.text())
                .toolCalls(toolCalls(answer.attributes().get(TOOL_CALLS)))
                .build();
        ChatGenerationMetadata generation = ChatGenerationMetadata.builder().finishReason(answer.finishReason()).build();
        return new ChatResponse(List.of(new Generation(output, generation)), metadata.build());
    }

    private static List<AssistantMessage.ToolCall> toolCalls(String json) {
        List<AssistantMessage.ToolCall> calls = new ArrayList<>();
        if (json == null) {
            return calls;
        }
        try {
            for (JsonNode call : PromptKey.JSON.readTree(json)) {
                calls.add(new AssistantMessage.ToolCall(call.path("id").asText(), call.path("type").asText(),
                        call.path("name").asText(), call.path("arguments").asText()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("The recorded answer's tool calls are not readable JSON (" + e.getMessage()
                    + "); record the answer again.", e);
        }
        return calls;
    }
}
