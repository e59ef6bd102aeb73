package dev.autoj.engine.protocol;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the verdict out of a judge's output with the original Auto-J rules, except that an
 * output without a readable verdict is an explicit no-verdict with its reason, never 0.0.
 *
 * <ul>
 *   <li>Pairwise (EN): the text after the <em>last</em> {@code "final decision is "}, trimmed and
 *       lower-cased, starts with {@code response 1}, {@code response 2} or {@code tie}.</li>
 *   <li>Pairwise (ZH): after the last {@code 最终决定是}: {@code 回应1}, {@code 回应2} or {@code 平局}.</li>
 *   <li>Single (EN): the text between the last {@code "Rating: [["} and the next {@code "]]"} is a
 *       number from 1 to 10.</li>
 *   <li>Single (ZH): the same after the last {@code 评分:[[} (or {@code 打分:[[}), a space after
 *       the colon allowed.</li>
 * </ul>
 *
 * <p>Only the judge's output is parsed; because the last marker wins, a verdict quoted from a
 * judged response earlier in the critique cannot override the judge's own final statement.
 */
public final class VerdictParser {

    private static final String EN_DECISION = "final decision is ";
    private static final String ZH_DECISION = "最终决定是";
    private static final String EN_RATING = "Rating: [[";
    private static final String[] ZH_RATINGS = {"评分:[[", "评分: [[", "打分:[[", "打分: [["};
    private static final int SNIPPET = 40;
    /** Decimal numbers as Python's float() reads them; Java's extras (hex, "7d", "7f") are refused. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private VerdictParser() {
    }

    /** Parses {@code output} of a {@link Protocol#SINGLE} or {@link Protocol#PAIRWISE} judgment. */
    public static ParsedVerdict parse(Protocol protocol, Language language, String output) {
        if (output == null) {
            return ParsedVerdict.noVerdict("the judge returned no output");
        }
        return switch (protocol) {
            case PAIRWISE -> language == Language.ZH ? pairwiseZh(output) : pairwiseEn(output);
            case SINGLE -> language == Language.ZH ? singleZh(output) : singleEn(output);
            case SCENARIO -> throw new IllegalArgumentException("scenario answers are not verdicts; use Scenario.find");
        };
    }

    private static ParsedVerdict pairwiseEn(String output) {
        String text = output.strip();
        int pos = text.lastIndexOf(EN_DECISION);
        if (pos < 0) {
            return ParsedVerdict.noVerdict("the judge output has no \"final decision is\" statement" + ending(text));
        }
        String rest = text.substring(pos + EN_DECISION.length()).strip().toLowerCase(Locale.ROOT);
        if (rest.startsWith("response 1")) {
            return ParsedVerdict.of(Verdict.RESPONSE_1);
        }
        if (rest.startsWith("response 2")) {
            return ParsedVerdict.of(Verdict.RESPONSE_2);
        }
        if (rest.startsWith("tie")) {
            return ParsedVerdict.of(Verdict.TIE);
        }
        return ParsedVerdict.noVerdict("the last \"final decision is\" is followed by \"" + snippet(rest)
                + "\", not Response 1, Response 2 or Tie");
    }

    private static ParsedVerdict pairwiseZh(String output) {
        String text = output.strip();
        int pos = text.lastIndexOf(ZH_DECISION);
        if (pos < 0) {
            return ParsedVerdict.noVerdict("the judge output has no \"最终决定是\" statement" + ending(text));
        }
        String rest = text.substring(pos + ZH_DECISION.length()).strip();
        if (rest.startsWith("回应1")) {
            return ParsedVerdict.of(Verdict.RESPONSE_1);
        }
        if (rest.startsWith("回应2")) {
            return ParsedVerdict.of(Verdict.RESPONSE_2);
        }
        if (rest.startsWith("平局")) {
            return ParsedVerdict.of(Verdict.TIE);
        }
        return ParsedVerdict.noVerdict("the last \"最终决定是\" is followed by \"" + snippet(rest)
                + "\", not 回应1, 回应2 or 平局");
    }

    private static ParsedVerdict singleEn(String output) {
        int pos = output.lastIndexOf(EN_RATING);
        if (pos < 0) {
            return ParsedVerdict.noVerdict("the judge output has no \"Rating: [[n]]\"" + ending(output));
        }
        return rating(output, pos, EN_RATING.length());
    }

    private static ParsedVerdict singleZh(String output) {
        int best = -1;
        int markerLength = 0;
        for (String marker : ZH_RATINGS) {
            int pos = output.lastIndexOf(marker);
            if (pos > best) {
                best = pos;
                markerLength = marker.length();
            }
        }
        if (best < 0) {
            return ParsedVerdict.noVerdict("the judge output has no \"评分: [[n]]\"" + ending(output));
        }
        return rating(output, best, markerLength);
    }

    private static ParsedVerdict rating(String output, int pos, int markerLength) {
        int start = pos + markerLength;
        int end = output.indexOf("]]", start);
        if (end < 0) {
            return ParsedVerdict.noVerdict("the last rating marker is not closed with \"]]\": \""
                    + snippet(output.substring(start)) + "\"");
        }
        String value = output.substring(start, end).strip();
        if (!NUMBER.matcher(value).matches()) {
            return ParsedVerdict.noVerdict("the rating \"" + snippet(value) + "\" is not a number");
        }
        double rating = Double.parseDouble(value);
        if (!(rating >= 1 && rating <= 10)) {
            return ParsedVerdict.noVerdict("the rating " + value + " is outside the scale 1 to 10");
        }
        return ParsedVerdict.ofRating(rating);
    }

    private static String ending(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return " (the output is empty)";
        }
        String tail = t.length() > SNIPPET ? "…" + t.substring(t.length() - SNIPPET) : t;
        return "; it ends with \"" + tail.replace("\n", "\\n") + "\"";
    }

    private static String snippet(String s) {
        String t = s.length() > SNIPPET ? s.substring(0, SNIPPET) + "…" : s;
        return t.replace("\n", "\\n");
    }
}
