package dev.autoj.engine.backend.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.backend.Sampling;
import dev.autoj.engine.backend.StopReason;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI completions wire format as vLLM, TGI, llama.cpp server and Ollama speak it.
 *
 * <p>The request body is, in this field order and nothing else:
 * {@code {"model":M,"prompt":P,"temperature":0,"top_p":1,"max_tokens":N}}. Greedy decoding is
 * what Auto-J was evaluated with; extra fields would be ignored by some servers and rejected by
 * others, so none are sent. Only a judge built with sampling (Prometheus 2's library sampling, for
 * vLLM) sends its temperature, top_p and {@code repetition_penalty} instead.
 */
final class CompletionsProtocol {

    static final String COMPLETIONS_PATH = "/v1/completions";
    static final String MODELS_PATH = "/v1/models";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final int SNIPPET_CHARS = 300;

    /** The finish reasons servers use for "the model ended its answer" (vLLM/llama.cpp/Ollama, TGI). */
    private static final List<String> EOS_REASONS = List.of("stop", "eos_token", "stop_sequence");

    private CompletionsProtocol() {
    }

    /** A completion as the server reported it. */
    record Completion(String text, StopReason stopReason, int promptTokens, int completionTokens) {
    }

    /**
     * The server answered 2xx, but not with something this client understands. For a completion, that
     * endpoint's failure: the request goes on to another endpoint; for a model list, not retried.
     */
    static final class MalformedResponse extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedResponse(String message) {
            super(message);
        }
    }

    static String requestBody(String model, String prompt, int maxTokens) {
        return requestBody(model, prompt, maxTokens, null);
    }

    /**
     * The body of a sampled request adds vLLM's {@code repetition_penalty} and sends the sampling's temperature and
     * top_p: {@code {"model":M,"prompt":P,"temperature":T,"top_p":P,"repetition_penalty":R,"max_tokens":N}}.
     */
    static String requestBody(String model, String prompt, int maxTokens, Sampling sampling) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.put("prompt", prompt);
        if (sampling == null) {
            body.put("temperature", 0);
            body.put("top_p", 1);
        } else {
            body.put("temperature", sampling.temperature());
            body.put("top_p", sampling.topP());
            body.put("repetition_penalty", sampling.repetitionPenalty());
        }
        body.put("max_tokens", maxTokens);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serializing a tree of strings and ints cannot fail", e);
        }
    }

    static Completion parseCompletion(String body, int maxTokens) throws MalformedResponse {
        JsonNode root = parseJson(body);
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            throw new MalformedResponse("the response has no \"choices\" array with a completion");
        }
        JsonNode choice = choices.get(0);
        JsonNode text = choice.path("text");
        if (!text.isTextual()) {
            throw new MalformedResponse("choices[0].text is missing or not a string");
        }
        int promptTokens = intOrUnknown(root.path("usage").path("prompt_tokens"));
        int completionTokens = intOrUnknown(root.path("usage").path("completion_tokens"));
        StopReason stop = stopReason(choice.path("finish_reason"), completionTokens, maxTokens);
        if (stop == StopReason.LENGTH && "repetition".equals(choice.path("autoj_stop_reason").asText(null))) {
            // autoj serve: the embedded engine cut a degenerate repetition loop before the budget ran out.
            stop = StopReason.REPETITION;
        }
        return new Completion(oneText(text.textValue()), stop, promptTokens, completionTokens);
    }

    /**
     * One text for one generation, whatever the back end: the generated tokens decoded on their own.
     * Servers that detokenize after the prompt (vLLM, llama.cpp's llama-server) keep the word-boundary
     * space of a SentencePiece model's first token ({@code "▁The"} → {@code " The"}); the embedded
     * engine and {@code autoj serve} decode the generated ids alone ({@code "The"}). One leading space
     * is therefore dropped, so that the same generation is stored with the same raw text.
     */
    static String oneText(String text) {
        return text.startsWith(" ") ? text.substring(1) : text;
    }

    static List<String> parseModelIds(String body) throws MalformedResponse {
        JsonNode data = parseJson(body).path("data");
        if (!data.isArray()) {
            throw new MalformedResponse("the response has no \"data\" array of models");
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode model : data) {
            if (model.path("id").isTextual()) {
                ids.add(model.path("id").textValue());
            }
        }
        return List.copyOf(ids);
    }

    /**
     * A short, single-line excerpt of a server's body for an error message, with the bearer token
     * blanked out in case a proxy echoes request headers back.
     */
    static String snippet(String body, String secret) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        if (secret != null && !secret.isEmpty()) {
            oneLine = oneLine.replace(secret, "[redacted]");
        }
        if (oneLine.length() <= SNIPPET_CHARS) {
            return "\"" + oneLine + "\"";
        }
        return "\"" + oneLine.substring(0, SNIPPET_CHARS) + "…\" (" + body.length() + " chars)";
    }

    private static JsonNode parseJson(String body) throws MalformedResponse {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new MalformedResponse("the response is not a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new MalformedResponse("the response is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static StopReason stopReason(JsonNode reason, int completionTokens, int maxTokens)
            throws MalformedResponse {
        if (reason.isMissingNode() || reason.isNull()) {
            // Some servers omit it; a completion that used the whole budget was cut off.
            return completionTokens >= maxTokens ? StopReason.LENGTH : StopReason.EOS;
        }
        String value = reason.asText();
        if (value.equals("length")) {
            return StopReason.LENGTH;
        }
        if (EOS_REASONS.contains(value)) {
            return StopReason.EOS;
        }
        throw new MalformedResponse("choices[0].finish_reason is \"" + value + "\", expected \"stop\" or \"length\""
                + " (the server may have aborted the request)");
    }

    private static int intOrUnknown(JsonNode node) {
        return node.canConvertToInt() && node.isIntegralNumber() ? node.intValue() : -1;
    }
}
