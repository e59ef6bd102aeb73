package dev.autoj.engine;

import dev.autoj.engine.backend.Sampling;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading settings from text, one grammar per kind of value, shared by the JUnit extension and the CLI. */
public final class SettingText {

    private SettingText() {
    }

    /**
     * Reads a duration: {@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h}, a bare number of seconds, or
     * ISO-8601 such as {@code PT5M}.
     *
     * @throws IllegalArgumentException listing the accepted forms
     */
    public static Duration parseDuration(String text) {
        String value = text == null ? "" : text.strip();
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        Duration d = null;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        } else if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                d = Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (java.time.format.DateTimeParseException notIso) {
                d = null;
            }
        }
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a positive duration; use e.g. 500ms, 90s (seconds are"
                    + " the default unit), 5m, 1h or ISO-8601 PT5M");
        }
        return d;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)?");

    /**
     * Reads one constant of {@code type} by its name in any case, hyphens for underscores.
     *
     * @throws IllegalArgumentException listing the accepted values
     */
    public static <E extends Enum<E>> E parseChoice(String text, Class<E> type) {
        return parseChoice(text, type, t -> "\"" + t + "\" is not one of " + choices(type));
    }

    /**
     * Reads one constant of {@code type} by its name in any case, hyphens for underscores, e.g.
     * {@code parseChoice(text, StoreMode.class, t -> "Unknown judgment store mode '" + t + "'")}.
     *
     * @throws IllegalArgumentException with the message {@code refusal} makes of the text
     */
    public static <E extends Enum<E>> E parseChoice(String text, Class<E> type, Function<String, String> refusal) {
        String normalized = text == null ? "" : text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(normalized)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(refusal.apply(text));
    }

    /**
     * A sampling setting: {@code greedy} (null) or {@code prometheus-library} ({@link Sampling#PROMETHEUS_LIBRARY}).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Sampling parseSampling(String text) {
        return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
            case "greedy" -> null;
            case "prometheus-library" -> Sampling.PROMETHEUS_LIBRARY;
            default -> throw new IllegalArgumentException("\"" + text + "\" is not one of greedy, prometheus-library");
        };
    }

    /** The setting's spelling of {@code sampling}: {@code greedy} for null. */
    public static String samplingName(Sampling sampling) {
        return sampling == null ? "greedy" : sampling.equals(Sampling.PROMETHEUS_LIBRARY) ? "prometheus-library" : sampling.describe();
    }

    /** The accepted spellings of {@code type}'s constants, e.g. {@code live, record, replay}. */
    public static <E extends Enum<E>> String choices(Class<E> type) {
        return String.join(", ", Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
    }

    /**
     * Reads comma-separated http(s) base URLs.
     *
     * @throws IllegalArgumentException naming the part that is not one
     */
    public static List<URI> parseEndpoints(String text) {
        List<URI> uris = new ArrayList<>();
        for (String part : (text == null ? "" : text).split(",")) {
            String s = part.strip();
            if (s.isEmpty()) {
                continue;
            }
            URI uri = null;
            try {
                uri = URI.create(s);
            } catch (IllegalArgumentException malformed) {
                uri = null;
            }
            if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("\"" + s + "\" is not an http(s) base URL; give comma-separated URLs such"
                        + " as http://judge-1:8000,http://judge-2:8000");
            }
            uris.add(uri);
        }
        return List.copyOf(uris);
    }

    /**
     * Reads a whole number from {@code min} to {@code max}.
     *
     * @throws IllegalArgumentException naming the accepted range
     */
    public static int parseInt(String text, int min, int max) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // reported below with the accepted range
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a whole number from " + min + " to " + max);
    }
}
