package dev.autoj.engine.protocol;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A built judge prompt.
 *
 * @param protocol what the judge is asked
 * @param language the template language
 * @param text the exact model input
 * @param warnings notes about the judged texts (verdict markers, control-token strings), for reports
 */
public record Prompt(Protocol protocol, Language language, String text, List<String> warnings) {

    public Prompt {
        warnings = List.copyOf(warnings);
    }

    /** Lower-case hex SHA-256 of the prompt's UTF-8 bytes. */
    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
