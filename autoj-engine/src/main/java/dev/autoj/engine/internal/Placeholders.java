package dev.autoj.engine.internal;

import java.util.Map;
import java.util.Objects;

/**
 * Fills a judge's prompt template as Python's {@code str.format} fills Auto-J's and Prometheus 2's
 * templates: one left-to-right pass, each {@code {name}} replaced by its value, which is copied verbatim
 * and never scanned again (a judged text holding {@code {response}}, {@code $1}, backslashes or
 * {@code {{}} stays as it is). The templates hold no other braces: a placeholder without a value or a
 * single {@code }} is a broken template and fails here. Used by Auto-J's {@code PromptBuilder} and
 * Prometheus 2's {@code Templates}. Not API.
 *
 * <pre>{@code
 * Placeholders.fill("[Query]: {prompt}", Map.of("prompt", "What is {x}?"));   // "[Query]: What is {x}?"
 * }</pre>
 */
public final class Placeholders {

    private Placeholders() {
    }

    /**
     * @throws IllegalStateException when the template has a placeholder {@code values} lacks, or a single {@code }}
     * @throws NullPointerException naming the placeholder whose value is null
     */
    public static String fill(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder(template.length() + values.values().stream()
                .mapToInt(v -> v == null ? 0 : v.length()).sum());
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int end = template.indexOf('}', i);
                String name = end < 0 ? null : template.substring(i + 1, end);
                if (name == null || !values.containsKey(name)) {
                    throw new IllegalStateException("template placeholder without a value at offset " + i + ": " + template);
                }
                out.append(Objects.requireNonNull(values.get(name), () -> "the " + name + " text must not be null"));
                i = end + 1;
            } else if (c == '}') {
                throw new IllegalStateException("single '}' at offset " + i + " of template: " + template);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
