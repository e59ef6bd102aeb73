package dev.autoj.engine.family.prometheus;

import dev.autoj.engine.family.JudgeFamily.Reading;
import java.math.BigInteger;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Prometheus 2 output exactly as the prometheus-eval library does (its rules, as
 * {@code ../shared/prometheus/README.md} states them and {@code parser_cases.jsonl} shows them):
 *
 * <ul>
 *   <li><b>Absolute.</b> The first marker ({@code [RESULT]}, {@code [RESULT]:}, {@code [SCORE]},
 *       {@code Score}, {@code Score:}, {@code Result}, {@code Result:}, {@code score of}; any case) that
 *       is followed by blanks or opening brackets, a whole number, optionally one closing bracket,
 *       {@code /5} or {@code out of 5}, and nothing but whitespace up to the end of the output. The number
 *       must be 1–5; {@code [RESULT] 4.} or {@code [RESULT] 6} give no score.</li>
 *   <li><b>Relative.</b> The first {@code [RESULT] X}, {@code [RESULT: X}, {@code [Result] Response X},
 *       {@code [Response X} or a line starting {@code Result X} / {@code Result: X} (any case), where X is
 *       A or B (either case), optionally followed by {@code ]}, and then nothing but whitespace up to the
 *       end of that line. {@code (A)}, {@code A.} and {@code Tie} give no verdict.</li>
 * </ul>
 *
 * <p>Python's regular expressions decide what "whitespace", "digit" and "any case" mean there, so they
 * are spelled out here: whitespace is exactly the characters Python's {@code \s} matches (its
 * {@code str.isspace()}: also U+001C–U+001F, U+0085, U+00A0, U+2028 …), a digit is any Unicode decimal
 * digit ({@code \p{Nd}}, read by value as Python's {@code int()} does), the markers' letters match both
 * cases and {@code s} also matches {@code ſ} (U+017F) as under Python's {@code re.IGNORECASE}, and only
 * {@code \n} ends a line. The library's re-asking on failure is the caller's business.
 */
final class OutputReader {

    /** Python's {@code \s} on text: the characters for which {@code str.isspace()} is true. */
    private static final String WS_CHARS = "\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
    private static final String WS = "[" + WS_CHARS + "]";

    private static final Pattern ABSOLUTE = Pattern.compile(
            "(?:\\[" + word("result") + "\\]:?"
                    + "|\\[" + word("score") + "\\]"
                    + "|" + word("score") + "(?::|" + WS + "+" + word("of") + ")?"
                    + "|" + word("result") + ":?)"
                    + "[(\\[" + WS_CHARS + "]*"
                    + "(\\p{Nd}+)"
                    + "(?:[)\\]]|/" + WS + "*5|" + WS + "*" + word("out") + WS + "*" + word("of") + WS + "*5)?"
                    + WS + "*\\z");

    private static final Pattern RELATIVE = Pattern.compile(
            "(?:\\[" + word("result") + "(?:\\](?:" + WS + "+" + word("response") + ")?|:" + WS + "*)"
                    + "|\\[" + word("response") + WS + "+"
                    + "|^" + word("result") + ":?" + WS + "*)"
                    + WS + "*([aAbB])\\]?" + WS + "*$",
            Pattern.MULTILINE | Pattern.UNIX_LINES);

    private static final int SNIPPET = 40;

    private OutputReader() {
    }

    static Reading absolute(String output) {
        return read(output, ABSOLUTE, () -> "no score: the output does not end with a score marker ([RESULT], [SCORE],"
                + " Score:, Result: or \"score of\") and a whole number 1–5, as Prometheus 2's reader requires (it ends "
                + ending(output) + ")", m -> {
                    BigInteger score = new BigInteger(m.group(1));
                    if (score.compareTo(BigInteger.ONE) < 0 || score.compareTo(BigInteger.valueOf(5)) > 0) {
                        return Reading.noVerdict("no score: the number " + score + " after the marker is outside Prometheus 2's 1–5 scale");
                    }
                    return Reading.ofScore(score.intValue());
                });
    }

    static Reading relative(String output) {
        return read(output, RELATIVE, () -> "no verdict: no \"[RESULT] A\" or \"[RESULT] B\" (or [Response B], [RESULT: A], a"
                + " line \"Result: B\") with the letter ending its line, as Prometheus 2's reader requires; it has no tie"
                + " (the output ends " + ending(output) + ")", m -> Reading.ofVerdict(m.group(1).toUpperCase(Locale.ROOT)));
    }

    /** The reading of the first match of {@code marker}, or no verdict: no output, or {@code notFound}. */
    private static Reading read(String output, Pattern marker, Supplier<String> notFound, Function<Matcher, Reading> found) {
        if (output == null) {
            return Reading.noVerdict("the judge returned no output");
        }
        Matcher m = marker.matcher(output);
        return m.find() ? found.apply(m) : Reading.noVerdict(notFound.get());
    }

    /** {@code word} with each letter in either case, and {@code s} also as {@code ſ}, as Python's IGNORECASE matches it. */
    private static String word(String word) {
        StringBuilder pattern = new StringBuilder();
        for (char c : word.toCharArray()) {
            pattern.append('[').append(Character.toLowerCase(c)).append(Character.toUpperCase(c));
            if (c == 's') {
                pattern.append('\u017F');
            }
            pattern.append(']');
        }
        return pattern.toString();
    }

    private static String ending(String output) {
        if (output.isEmpty()) {
            return "nowhere: it is empty";
        }
        int from = Math.max(0, output.length() - SNIPPET);
        if (from > 0 && Character.isLowSurrogate(output.charAt(from))) {
            from++;
        }
        return "\"" + (from > 0 ? "…" : "") + output.substring(from).replace("\n", "\\n") + "\"";
    }
}
