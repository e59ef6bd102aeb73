package dev.autoj.engine.store;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.backend.Sampling;
import dev.autoj.engine.internal.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The key recipe of the judgment store: the SHA-256 of a canonical description of the model id,
 * protocol, language, exact prompt and decoding settings (greedy, token budget). The key holds no
 * path and no time, so the same judgment gets the same file on every machine. A change here changes
 * every key: it is the riskiest edit to the store.
 *
 * <pre>{@code
 * String key = JudgmentKey.of("GAIR/autoj-13b", Protocol.SINGLE, Language.EN, prompt.text(), 1024);
 * }</pre>
 */
public final class JudgmentKey {

    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");

    private JudgmentKey() {
    }

    /**
     * The key of a judgment: lower-case hex SHA-256 of the canonical description returned by
     * {@link #canonicalDescription}.
     */
    public static String of(String modelId, Protocol protocol, Language language, String prompt, int maxNewTokens) {
        return of(modelId, protocol, language, prompt, maxNewTokens, null);
    }

    /**
     * The key of a judgment decoded with {@code sampling} (null: greedy, the same key as without it). A sampled
     * judgment's description names its sampling instead of {@code greedy}, so it never shares a key with a greedy one.
     */
    public static String of(String modelId, Protocol protocol, Language language, String prompt, int maxNewTokens,
            Sampling sampling) {
        requireParts(modelId, protocol, language, prompt, maxNewTokens);
        // Hashes header and prompt in two parts rather than building the description: replay
        // computes a key per judgment, and the prompt is the bulk of it.
        byte[] promptBytes = prompt.getBytes(StandardCharsets.UTF_8);
        MessageDigest sha = Sha256.digest();
        sha.update(header(modelId, protocol, language, maxNewTokens, sampling, promptBytes.length).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest(promptBytes));
    }

    /**
     * What the key is the hash of: one line per setting, then the prompt's length in UTF-8 bytes and
     * the prompt itself, so that no two different requests can describe themselves the same way.
     */
    public static String canonicalDescription(String modelId, Protocol protocol, Language language, String prompt, int maxNewTokens) {
        requireParts(modelId, protocol, language, prompt, maxNewTokens);
        return header(modelId, protocol, language, maxNewTokens, null, prompt.getBytes(StandardCharsets.UTF_8).length) + prompt;
    }

    /** Where the judgment with {@code key} lives, relative to the store: {@code ab/abcdef….json}. */
    public static String relativeFile(String key) {
        return shard(key) + "/" + key + ".json";
    }

    /** The shard folder of a key: its first two hex digits. */
    static String shard(String key) {
        return key.substring(0, 2);
    }

    /** True for 64 lower-case hex digits. */
    static boolean isKey(String text) {
        return text != null && KEY.matcher(text).matches();
    }

    static void require(String key) {
        if (!isKey(key)) {
            throw new IllegalArgumentException("a judgment store key is 64 lower-case hex digits, got '" + key + "'");
        }
    }

    private static String header(String modelId, Protocol protocol, Language language, int maxNewTokens, Sampling sampling,
            int promptBytes) {
        return "autoj judgment key v1\n"
                + "model: " + modelId + "\n"
                + "protocol: " + protocol.name().toLowerCase(Locale.ROOT) + "\n"
                + "language: " + language.name().toLowerCase(Locale.ROOT) + "\n"
                + "decoding: " + (sampling == null ? "greedy" : sampling.describe()) + ", max_new_tokens=" + maxNewTokens + "\n"
                + "prompt: " + promptBytes + " bytes\n";
    }

    private static void requireParts(String modelId, Protocol protocol, Language language, String prompt, int maxNewTokens) {
        if (modelId == null || modelId.isBlank() || modelId.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the model id must be a non-blank single line, got '" + modelId + "'");
        }
        if (protocol == null || language == null || prompt == null) {
            throw new IllegalArgumentException("protocol, language and prompt must not be null");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
    }
}
