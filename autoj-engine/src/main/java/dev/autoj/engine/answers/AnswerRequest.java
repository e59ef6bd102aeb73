package dev.autoj.engine.answers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One request to the model under test, in the canonical form that keys its recorded answer: the
 * model name, every message with its role, every parameter that changes the output (temperature,
 * top-p, max tokens, seed, stop, response format, tools …) and which sample of that request this is.
 * Two requests that differ in any of these have different keys; parameters are kept sorted, so the
 * order they were given in does not matter.
 *
 * <pre>{@code
 * AnswerRequest request = AnswerRequest.of("gpt-4o-mini",
 *                 List.of(AnswerRequest.Message.system(systemPrompt), AnswerRequest.Message.user(question)))
 *         .with("temperature", 0.7)
 *         .sample(2);                       // the third answer to the same request
 * }</pre>
 *
 * @param model the model under test, as the application names it (a model id or a name of your own)
 * @param messages the conversation, in order
 * @param parameters the output-changing parameters, sorted by name, as JSON values
 * @param sample which sample of this request (0 = the first), so that a set can use several answers per query
 */
public record AnswerRequest(String model, List<Message> messages, SortedMap<String, JsonNode> parameters, int sample) {

    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public AnswerRequest {
        if (model == null || model.isBlank() || model.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the model under test needs a non-blank single-line name, got '" + model + "'");
        }
        Objects.requireNonNull(messages, "messages");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a request to the model under test needs at least one message");
        }
        messages = List.copyOf(messages);
        parameters = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(parameters, "parameters")));
        if (sample < 0) {
            throw new IllegalArgumentException("the sample index must be 0 or more, got " + sample);
        }
    }

    /** A request of one user message. */
    public static AnswerRequest of(String model, String userText) {
        return of(model, List.of(Message.user(userText)));
    }

    /** A request of these messages, without parameters. */
    public static AnswerRequest of(String model, List<Message> messages) {
        return new AnswerRequest(model, messages, new TreeMap<>(), 0);
    }

    /**
     * This request with a parameter set: a string, number, boolean, list or map (any value Jackson
     * can write as JSON); null removes it.
     */
    public AnswerRequest with(String name, Object value) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a parameter needs a name");
        }
        TreeMap<String, JsonNode> next = new TreeMap<>(parameters);
        if (value == null) {
            next.remove(name);
        } else {
            next.put(name, value instanceof JsonNode node ? node.deepCopy() : JSON.valueToTree(value));
        }
        return new AnswerRequest(model, messages, next, sample);
    }

    /** The {@code k}-th sample (0-based) of this request: a different recorded answer to the same request. */
    public AnswerRequest sample(int k) {
        return new AnswerRequest(model, messages, parameters, k);
    }

    /**
     * One message of the conversation.
     *
     * @param role {@code system}, {@code user}, {@code assistant}, {@code tool}, or the client's own role name
     * @param text the message text (empty, not null, for a message that carries only attributes)
     * @param attributes what else the message carries that changes the answer (tool calls, a tool
     *     call id, an image reference …), as text, sorted by name
     */
    public record Message(String role, String text, SortedMap<String, String> attributes) {

        public Message {
            if (role == null || role.isBlank()) {
                throw new IllegalArgumentException("a message needs a role");
            }
            Objects.requireNonNull(text, "text");
            attributes = Collections.unmodifiableSortedMap(new TreeMap<>(attributes == null ? Map.of() : attributes));
        }

        public static Message of(String role, String text) {
            return new Message(role, text, null);
        }

        public static Message system(String text) {
            return of("system", text);
        }

        public static Message user(String text) {
            return of("user", text);
        }

        public static Message assistant(String text) {
            return of("assistant", text);
        }

        /** This message with one more attribute. */
        public Message with(String name, String value) {
            TreeMap<String, String> next = new TreeMap<>(attributes);
            next.put(name, value);
            return new Message(role, text, next);
        }
    }

    /** The request as readable lines, as a replay miss diffs it against the nearest recording. */
    public List<String> describeLines() {
        List<String> lines = new ArrayList<>();
        lines.add("model: " + model);
        lines.add("sample: " + sample);
        parameters.forEach((name, value) -> lines.add("parameter " + name + ": " + value));
        for (Message m : messages) {
            lines.add("[" + m.role() + "]");
            m.attributes().forEach((name, value) -> lines.add("  (" + name + ": " + value + ")"));
            lines.addAll(m.text().lines().toList());
        }
        return lines;
    }
}
