package dev.autoj.engine.answers;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the model under test answered.
 *
 * <pre>{@code
 * Answer answer = Answer.of(text).withUsage(812, 164).withFinishReason("stop");
 * }</pre>
 *
 * @param text the answer text
 * @param inputTokens the prompt's tokens as the provider counted them, or null when unknown
 * @param outputTokens the answer's tokens as the provider counted them, or null when unknown
 * @param finishReason why the model stopped ({@code stop}, {@code length} …), or null when unknown
 * @param attributes what else the answer carries that a client needs back (tool calls …), as text, sorted by name
 */
public record Answer(String text, Integer inputTokens, Integer outputTokens, String finishReason, SortedMap<String, String> attributes) {

    public Answer {
        if (text == null) {
            throw new IllegalArgumentException("the model under test returned no answer text (null); nothing was stored");
        }
        attributes = Collections.unmodifiableSortedMap(new TreeMap<>(attributes == null ? Map.of() : attributes));
    }

    public static Answer of(String text) {
        return new Answer(text, null, null, null, null);
    }

    public Answer withUsage(Integer input, Integer output) {
        return new Answer(text, input, output, finishReason, attributes);
    }

    public Answer withFinishReason(String reason) {
        return new Answer(text, inputTokens, outputTokens, reason, attributes);
    }

    public Answer with(String attribute, String value) {
        TreeMap<String, String> next = new TreeMap<>(attributes);
        next.put(attribute, value);
        return new Answer(text, inputTokens, outputTokens, finishReason, next);
    }
}
