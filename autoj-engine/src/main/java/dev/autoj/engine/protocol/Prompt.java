package dev.autoj.engine.protocol;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.internal.Sha256;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A built judge prompt.
 *
 * @param protocol what the judge is asked
 * @param language the template language
 * @param text the exact model input
 * @param warnings notes about the judged texts (verdict markers, control-token strings), for reports
 * @param judgedTexts the texts filled into the template, named as the prompt shows them ({@code "query"},
 *     {@code "response"}, {@code "response 1"}, {@code "response 2"}), in that order; the verdict parser
 *     skips verdict markers the judge quotes from them
 */
public record Prompt(Protocol protocol, Language language, String text, List<String> warnings, Map<String, String> judgedTexts) {

    public Prompt {
        warnings = List.copyOf(warnings);
        judgedTexts = Collections.unmodifiableMap(new LinkedHashMap<>(judgedTexts == null ? Map.of() : judgedTexts));
    }

    /** A prompt whose judged texts are not known (the parser then reads the last marker, as Auto-J does). */
    public Prompt(Protocol protocol, Language language, String text, List<String> warnings) {
        this(protocol, language, text, warnings, Map.of());
    }

    /** Lower-case hex SHA-256 of the prompt's UTF-8 bytes. */
    public String sha256() {
        return Sha256.hex(text);
    }
}
