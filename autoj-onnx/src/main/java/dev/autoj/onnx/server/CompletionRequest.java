package dev.autoj.onnx.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * One {@code POST /v1/completions} body as {@code autoj serve} accepts it: a model id, one prompt
 * string and {@code max_tokens}, decoded greedily. Everything the embedded engine cannot honour is
 * refused with a {@link Refusal} naming the field and saying what is accepted, never silently
 * ignored: sampling ({@code temperature} other than 0, {@code top_p} other than 1, {@code top_k},
 * penalties), several choices ({@code n}, {@code best_of}), streaming, stop strings, log
 * probabilities, echo, suffix, token-id prompts and lists of prompts.
 *
 * <p>{@code temperature} and {@code top_p} may be left out: this server only decodes greedily, so a
 * missing value means 0 and 1 (the OpenAI API's own defaults would sample). A missing
 * {@code max_tokens} is 16, the OpenAI API's default. {@code seed} and {@code user} are accepted
 * and have no effect (greedy decoding needs no seed).
 *
 * @param prompt the exact model input
 * @param maxTokens the token budget
 */
record CompletionRequest(String prompt, int maxTokens) {

    /** The OpenAI API's default {@code max_tokens}. */
    static final int DEFAULT_MAX_TOKENS = 16;

    /** Fields accepted as long as they leave decoding greedy, with what that requires of them. */
    private static final Set<String> KNOWN = Set.of("model", "prompt", "max_tokens", "temperature", "top_p", "n", "best_of",
            "stream", "stop", "echo", "logprobs", "suffix", "presence_penalty", "frequency_penalty", "repetition_penalty",
            "top_k", "min_p", "seed", "user", "logit_bias", "stream_options");

    /** A request this server will not run: HTTP 400 with {@code message}; {@code param} names the field, or null. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final String param;

        Refusal(String param, String message) {
            super(message);
            this.param = param;
        }

        String param() {
            return param;
        }
    }

    /**
     * Reads and checks a request body.
     *
     * @param served the model id this server answers to
     * @throws Refusal for anything but a greedy, single, non-streamed completion of one text prompt for {@code served}
     */
    static CompletionRequest parse(JsonNode body, String served) throws Refusal {
        if (body == null || !body.isObject()) {
            throw new Refusal(null, "the request body must be a JSON object, e.g. {\"model\":\"" + served
                    + "\",\"prompt\":\"...\",\"max_tokens\":1024,\"temperature\":0}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
            String field = it.next().getKey();
            if (!KNOWN.contains(field)) {
                throw new Refusal(field, "\"" + field + "\" is not supported by autoj serve, which decodes greedily: send model,"
                        + " prompt and max_tokens (temperature 0 and top_p 1 may be given)");
            }
        }
        JsonNode model = body.path("model");
        if (!model.isTextual()) {
            throw new Refusal("model", "\"model\" is missing or not a string; this server serves \"" + served + "\"");
        }
        if (!model.textValue().equals(served)) {
            throw new Refusal("model", "the model \"" + model.textValue() + "\" is not served here; this server serves \""
                    + served + "\" (GET /v1/models lists it)");
        }
        JsonNode stream = body.path("stream");
        if (!stream.isMissingNode() && !stream.isNull() && !(stream.isBoolean() && !stream.booleanValue())) {
            throw new Refusal("stream", "stream=true is not supported by autoj serve: the whole completion is sent in one answer;"
                    + " send stream=false or leave it out");
        }
        if (body.has("stream_options") && !body.get("stream_options").isNull()) {
            throw new Refusal("stream_options", "stream_options is not supported: autoj serve does not stream");
        }
        requireNumber(body, "temperature", 0, "only greedy decoding is supported: send temperature 0 or leave it out");
        requireNumber(body, "top_p", 1, "only greedy decoding is supported: send top_p 1 or leave it out");
        requireNumber(body, "n", 1, "one completion per request is supported: send n 1 or leave it out");
        requireNumber(body, "best_of", 1, "one completion per request is supported: send best_of 1 or leave it out");
        requireNumber(body, "presence_penalty", 0, "penalties change greedy decoding and are not supported: send 0 or leave it out");
        requireNumber(body, "frequency_penalty", 0, "penalties change greedy decoding and are not supported: send 0 or leave it out");
        requireNumber(body, "repetition_penalty", 1, "penalties change greedy decoding and are not supported: send 1 or leave it out");
        requireNumber(body, "min_p", 0, "only greedy decoding is supported: send min_p 0 or leave it out");
        JsonNode topK = body.path("top_k");
        if (!topK.isMissingNode() && !topK.isNull() && !(topK.isNumber() && (topK.asDouble() == -1 || topK.asDouble() == 0
                || topK.asDouble() == 1))) {
            throw new Refusal("top_k", "only greedy decoding is supported: send top_k -1, 0 or 1, or leave it out; got " + topK);
        }
        JsonNode stop = body.path("stop");
        if (!stop.isMissingNode() && !stop.isNull() && !(stop.isArray() && stop.isEmpty())) {
            throw new Refusal("stop", "stop strings are not supported: autoj serve stops at the model's end-of-sequence token or"
                    + " max_tokens, as Auto-J is decoded; leave \"stop\" out");
        }
        if (body.path("echo").asBoolean(false)) {
            throw new Refusal("echo", "echo=true is not supported: the answer holds the generated text only");
        }
        JsonNode logprobs = body.path("logprobs");
        if (!logprobs.isMissingNode() && !logprobs.isNull() && !(logprobs.isBoolean() && !logprobs.booleanValue())) {
            throw new Refusal("logprobs", "logprobs are not supported by autoj serve; leave \"logprobs\" out");
        }
        JsonNode suffix = body.path("suffix");
        if (!suffix.isMissingNode() && !suffix.isNull()) {
            throw new Refusal("suffix", "suffix is not supported; leave it out");
        }
        JsonNode bias = body.path("logit_bias");
        if (!bias.isMissingNode() && !bias.isNull() && !(bias.isObject() && bias.isEmpty())) {
            throw new Refusal("logit_bias", "logit_bias changes greedy decoding and is not supported; leave it out");
        }
        JsonNode prompt = body.path("prompt");
        if (prompt.isArray()) {
            if (prompt.size() == 1 && prompt.get(0).isTextual()) {
                prompt = prompt.get(0);
            } else {
                throw new Refusal("prompt", "\"prompt\" must be one string: lists of prompts and token ids are not supported"
                        + " (send one request per prompt; concurrent requests are batched on the device)");
            }
        }
        if (!prompt.isTextual()) {
            throw new Refusal("prompt", "\"prompt\" is missing or not a string");
        }
        int maxTokens = DEFAULT_MAX_TOKENS;
        JsonNode max = body.path("max_tokens");
        if (!max.isMissingNode() && !max.isNull()) {
            if (!max.isIntegralNumber() || !max.canConvertToInt() || max.intValue() < 1) {
                throw new Refusal("max_tokens", "\"max_tokens\" must be a whole number of at least 1, got " + max);
            }
            maxTokens = max.intValue();
        }
        return new CompletionRequest(prompt.textValue(), maxTokens);
    }

    private static void requireNumber(JsonNode body, String field, double allowed, String message) throws Refusal {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        if (!value.isNumber() || value.asDouble() != allowed) {
            throw new Refusal(field, message + "; got " + field + " " + value);
        }
    }
}
