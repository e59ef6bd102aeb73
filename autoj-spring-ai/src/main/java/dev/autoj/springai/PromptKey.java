package dev.autoj.springai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.answers.AnswerRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.content.MediaContent;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/** The canonical {@link AnswerRequest} of a Spring AI prompt: what keys its recorded answer. */
final class PromptKey {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Output-changing options that some of Spring AI's model options types have beyond {@link ChatOptions}
     * (OpenAI, Anthropic, Ollama, Google GenAI, Mistral, DeepSeek …), read by getter name where present.
     * Connection settings (base URL, API key, credentials, timeouts, retries, proxy, headers), tool
     * context and observability options are not here on purpose: they do not change the answer, and a
     * recorded request is committed.
     */
    static final List<String> EXTRA_OPTIONS = List.of(
            "seed", "randomSeed", "responseFormat", "format", "responseMimeType", "responseSchema",
            "maxCompletionTokens", "maxOutputTokens", "numPredict", "n", "candidateCount",
            "logitBias", "reasoningEffort", "verbosity", "thinking", "thinkingBudget", "thinkingLevel", "thinkOption",
            "toolChoice", "parallelToolCalls", "disableParallelToolUse",
            "outputModalities", "outputAudio", "outputConfig", "extraBody", "deploymentName",
            "minP", "typicalP", "tfsZ", "repeatPenalty", "repeatLastN", "penalizeNewline",
            "mirostat", "mirostatTau", "mirostatEta", "numCtx", "numKeep", "safePrompt", "safetySettings");

    private PromptKey() {
    }

    /** The options the wrapped model sends: the prompt's when it has them, otherwise the model's defaults. */
    static ChatOptions effectiveOptions(Prompt prompt, ChatModel model) {
        return prompt.getOptions() != null ? prompt.getOptions() : model.getOptions();
    }

    static AnswerRequest request(Prompt prompt, ChatModel model) {
        ChatOptions options = effectiveOptions(prompt, model);
        String modelName = options == null ? null : options.getModel();
        if (modelName == null || modelName.isBlank()) {
            modelName = "(" + model.getClass().getSimpleName() + " default model)";
        }
        List<AnswerRequest.Message> messages = new ArrayList<>();
        for (Message m : prompt.getInstructions()) {
            messages.add(message(m));
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("The prompt has no messages; there is nothing to ask "
                    + model.getClass().getSimpleName() + " or to look up in the store.");
        }
        AnswerRequest request = AnswerRequest.of(modelName, messages);
        if (options != null) {
            request = request.with("temperature", jsonValue(options.getTemperature()))
                    .with("topP", jsonValue(options.getTopP()))
                    .with("topK", jsonValue(options.getTopK()))
                    .with("maxTokens", jsonValue(options.getMaxTokens()))
                    .with("stopSequences", jsonValue(options.getStopSequences()))
                    .with("frequencyPenalty", jsonValue(options.getFrequencyPenalty()))
                    .with("presencePenalty", jsonValue(options.getPresencePenalty()));
            if (options instanceof StructuredOutputChatOptions structured) {
                request = request.with("outputSchema", jsonOrText(structured.getOutputSchema()));
            }
            if (options instanceof ToolCallingChatOptions tooling) {
                request = request.with("tools", tools(tooling.getToolCallbacks()));
            }
            for (String name : EXTRA_OPTIONS) {
                request = request.with(name, extra(options, name));
            }
        }
        return request;
    }

    private static AnswerRequest.Message message(Message m) {
        String text = m.getText() == null ? "" : m.getText();
        AnswerRequest.Message message = AnswerRequest.Message.of(m.getMessageType().getValue(), text);
        if (m instanceof MediaContent withMedia && withMedia.getMedia() != null) {
            int i = 0;
            for (Media media : withMedia.getMedia()) {
                message = message.with(String.format("media %03d", ++i), media.getMimeType() + " " + mediaData(media.getData()));
            }
        }
        if (m instanceof AssistantMessage assistant && assistant.hasToolCalls()) {
            int i = 0;
            for (AssistantMessage.ToolCall call : assistant.getToolCalls()) {
                message = message.with(String.format("tool call %03d", ++i), toolCall(call).toString());
            }
        }
        if (m instanceof ToolResponseMessage toolResponses) {
            int i = 0;
            for (ToolResponseMessage.ToolResponse r : toolResponses.getResponses()) {
                ObjectNode node = JSON.createObjectNode().put("id", r.id()).put("name", r.name()).put("responseData", r.responseData());
                message = message.with(String.format("tool response %03d", ++i), node.toString());
            }
        }
        return message;
    }

    static ObjectNode toolCall(AssistantMessage.ToolCall call) {
        return JSON.createObjectNode().put("id", call.id()).put("type", call.type()).put("name", call.name()).put("arguments", call.arguments());
    }

    /** A URL as it is; inline bytes by their SHA-256, so that a different image is a different request without storing it. */
    private static String mediaData(Object data) {
        if (data instanceof byte[] bytes) {
            try {
                return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)) + " (" + bytes.length + " bytes)";
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.valueOf(data);
    }

    private static ArrayNode tools(List<ToolCallback> callbacks) {
        if (callbacks == null || callbacks.isEmpty()) {
            return null;
        }
        ArrayNode tools = JSON.createArrayNode();
        for (ToolCallback callback : callbacks) {
            ToolDefinition d = callback.getToolDefinition();
            ObjectNode tool = tools.addObject().put("name", d.name()).put("description", d.description());
            tool.set("inputSchema", jsonOrText(d.inputSchema()));
        }
        return tools;
    }

    private static JsonNode jsonOrText(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    /** The value of a public no-argument getter {@code get<Name>} of the options, or null when the type has none. */
    static Object extra(ChatOptions options, String name) {
        String getter = "get" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        Method method;
        try {
            method = options.getClass().getMethod(getter);
        } catch (NoSuchMethodException e) {
            return null;
        }
        if (Modifier.isStatic(method.getModifiers()) || method.getReturnType() == void.class) {
            return null;
        }
        Object value;
        try {
            if (!method.canAccess(options)) {
                method.setAccessible(true);
            }
            value = method.invoke(options);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            throw new IllegalStateException("Could not read the option " + name + " (" + options.getClass().getName() + "."
                    + getter + "()) that keys the recorded answer: " + e, e);
        }
        return jsonValue(value);
    }

    /** Options as JSON: plain values and beans as Jackson writes them; what Jackson cannot write, by its text. */
    private static Object jsonValue(Object value) {
        if (value == null || value instanceof Map<?, ?> map && map.isEmpty() || value instanceof List<?> list && list.isEmpty()) {
            return null;
        }
        try {
            return JSON.valueToTree(value);
        } catch (IllegalArgumentException e) {
            return value.toString();
        }
    }
}
