package dev.autoj.engine.protocol;

import java.util.List;
import java.util.Map;

/**
 * Decides whether a verdict statement in a judge's output is the judge quoting a judged text, by
 * the text around the statement rather than by its words alone.
 *
 * <p>A statement {@code s} at {@code [start, end)} of the output is a copy from a judged text
 * {@code T} when {@code T} contains {@code s} at some position and, for that occurrence, either
 * <ul>
 *   <li><b>quoted</b>: the output shows it in quotation marks, with only {@code T}'s own text
 *       between the marks and the statement (an opening mark before the statement and a closing
 *       mark after it, either just outside or inside that stretch of {@code T}'s text; an
 *       ellipsis may follow the opening mark and sentence punctuation may precede the closing one); or</li>
 *   <li><b>in context</b>: on one side of the statement the output reads exactly as {@code T} does
 *       there over {@code T}'s nearest three words or six Chinese characters on that side ({@link #CONTEXT})
 *       — all of {@code T} on that side when it is shorter, if it holds a word at all.
 *       Runs of whitespace match any run of whitespace; a lead-in that is part of Auto-J's own
 *       closing formula ({@code "So, the "} before {@code "final decision is"}, {@code "所以，"}
 *       before {@code "最终决定是"}) is compared but does not count as a word, so a judged text
 *       that holds the formula sentence does not make the judge's own closing sentence a copy.</li>
 * </ul>
 * A statement that occurs in no judged text, or occurs only with other text around it and outside
 * quotation marks, is the judge's own.
 *
 * <pre>{@code
 * Quotes.Copy c = Quotes.find(output, start, end, prompt.judgedTexts(), List.of("So, the "));
 * // null: the judge's own statement; otherwise c.source() names the judged text
 * }</pre>
 */
final class Quotes {

    /** Weight of the context that identifies a copy: a word weighs 2, a CJK ideograph 1. */
    static final int CONTEXT = 6;

    private static final String OPENING = "\"'`“‘„‚«‹「『＂＇";
    private static final String CLOSING = "\"'`”’“‘»›」』＂＇";
    /** What a judge may put between the opening mark and the quoted text: an ellipsis ("..." or "…"). */
    private static final String ELLIPSIS = ".…";
    /** What a judge may put between a quoted statement and the closing mark. */
    private static final String CLOSING_PUNCTUATION = ".,;:!?…。，；：！？";

    private Quotes() {
    }

    /**
     * How a statement was found to be a copy.
     *
     * @param source the name of the judged text it was copied from ({@code "response 1"})
     * @param quoted true when it is inside quotation marks, false when the text around it is the judged text's
     */
    record Copy(String source, boolean quoted) {

        /** How the copy shows, for warnings: "inside quotation marks" or "with the response's own text around it". */
        String how() {
            return quoted ? "inside quotation marks" : "with the " + source + "'s own text around it";
        }
    }

    /**
     * The judged text that {@code output[start, end)} is quoted from, or null when the statement is the
     * judge's own; {@code leadIns} are the formula words Auto-J writes right before this marker.
     */
    static Copy find(String output, int start, int end, Map<String, String> texts, List<String> leadIns) {
        String statement = output.substring(start, end);
        if (statement.isEmpty()) {
            return null;
        }
        Copy inContext = null;
        for (Map.Entry<String, String> e : texts.entrySet()) {
            String text = e.getValue();
            if (text == null) {
                continue;
            }
            for (int at = text.indexOf(statement); at >= 0; at = text.indexOf(statement, at + 1)) {
                int[] before = matchBackward(output, start, text, at);
                int[] after = matchForward(output, end, text, at + statement.length());
                if (quoted(output, start, end, before[0], after[0])) {
                    return new Copy(e.getKey(), true);
                }
                if (inContext == null && (contextBefore(output, before, text, at, leadIns) || contextAfter(output, after, text,
                        at + statement.length()))) {
                    inContext = new Copy(e.getKey(), false);
                }
            }
        }
        return inContext;
    }

    /**
     * Walks back from {@code output[..o]} and {@code text[..t]} while they read the same (whitespace
     * runs match each other); returns where the common stretch starts, {output index, text index}.
     */
    private static int[] matchBackward(String output, int o, String text, int t) {
        while (o > 0 && t > 0) {
            char a = output.charAt(o - 1);
            char b = text.charAt(t - 1);
            if (Character.isWhitespace(a) && Character.isWhitespace(b)) {
                while (o > 0 && Character.isWhitespace(output.charAt(o - 1))) {
                    o--;
                }
                while (t > 0 && Character.isWhitespace(text.charAt(t - 1))) {
                    t--;
                }
            } else if (a == b) {
                o--;
                t--;
            } else {
                break;
            }
        }
        return new int[] {o, t};
    }

    /** The forward twin of {@link #matchBackward}: where the common stretch after the statement ends. */
    private static int[] matchForward(String output, int o, String text, int t) {
        while (o < output.length() && t < text.length()) {
            char a = output.charAt(o);
            char b = text.charAt(t);
            if (Character.isWhitespace(a) && Character.isWhitespace(b)) {
                while (o < output.length() && Character.isWhitespace(output.charAt(o))) {
                    o++;
                }
                while (t < text.length() && Character.isWhitespace(text.charAt(t))) {
                    t++;
                }
            } else if (a == b) {
                o++;
                t++;
            } else {
                break;
            }
        }
        return new int[] {o, t};
    }

    /**
     * Whether the output has an opening mark before the statement and a closing mark after it with only
     * the judged text's own text between ({@code from} and {@code to} bound that common stretch).
     */
    private static boolean quoted(String output, int start, int end, int from, int to) {
        boolean opened = containsMark(output, from, start, OPENING);
        if (!opened) {
            int p = from;
            while (p > 0 && (Character.isWhitespace(output.charAt(p - 1)) || ELLIPSIS.indexOf(output.charAt(p - 1)) >= 0)) {
                p--;
            }
            opened = p > 0 && isMark(output, p - 1, OPENING);
        }
        if (!opened) {
            return false;
        }
        if (containsMark(output, end, to, CLOSING)) {
            return true;
        }
        int q = to;
        while (q < output.length() && CLOSING_PUNCTUATION.indexOf(output.charAt(q)) >= 0) {
            q++;
        }
        return q < output.length() && isMark(output, q, CLOSING);
    }

    private static boolean containsMark(String s, int from, int to, String marks) {
        for (int i = from; i < to; i++) {
            if (isMark(s, i, marks)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code s[i]} is one of {@code marks}; an apostrophe between two letters ("it's") is not a quotation mark. */
    private static boolean isMark(String s, int i, String marks) {
        char c = s.charAt(i);
        if (marks.indexOf(c) < 0) {
            return false;
        }
        boolean apostrophe = (c == '\'' || c == '’') && i > 0 && i + 1 < s.length()
                && Character.isLetter(s.charAt(i - 1)) && Character.isLetter(s.charAt(i + 1));
        return !apostrophe;
    }

    /**
     * Whether the output's text before the statement is the judged text's own over its nearest
     * words before the occurrence at {@code at} (after the formula lead-in, if the text has one there).
     */
    private static boolean contextBefore(String output, int[] common, String text, int at, List<String> leadIns) {
        int limit = at;
        for (String lead : leadIns) {
            if (limit >= lead.length() && text.regionMatches(true, limit - lead.length(), lead, 0, lead.length())) {
                limit -= lead.length();
                break;
            }
        }
        int weight = 0;
        int windowStart = -1;
        int i = limit;
        while (i > 0 && weight < CONTEXT) {
            int c = text.codePointBefore(i);
            if (Character.isIdeographic(c)) {
                i -= Character.charCount(c);
                weight += 1;
                windowStart = i;
            } else if (Character.isLetterOrDigit(c)) {
                while (i > 0 && isWordChar(text.codePointBefore(i))) {
                    i -= Character.charCount(text.codePointBefore(i));
                }
                weight += 2;
                windowStart = i;
            } else {
                i -= Character.charCount(c);
            }
        }
        if (windowStart < 0) {
            return false;
        }
        int textStart = common[1];
        return textStart < windowStart
                || textStart == windowStart && boundary(output, common[0] - 1, text.codePointAt(windowStart));
    }

    /** Whether the output's text after the statement is the judged text's own over its nearest words after {@code from}. */
    private static boolean contextAfter(String output, int[] common, String text, int from) {
        int weight = 0;
        int windowEnd = -1;
        int i = from;
        while (i < text.length() && weight < CONTEXT) {
            int c = text.codePointAt(i);
            if (Character.isIdeographic(c)) {
                i += Character.charCount(c);
                weight += 1;
                windowEnd = i;
            } else if (Character.isLetterOrDigit(c)) {
                while (i < text.length() && isWordChar(text.codePointAt(i))) {
                    i += Character.charCount(text.codePointAt(i));
                }
                weight += 2;
                windowEnd = i;
            } else {
                i += Character.charCount(c);
            }
        }
        if (windowEnd < 0) {
            return false;
        }
        int textEnd = common[1];
        return textEnd > windowEnd
                || textEnd == windowEnd && boundary(output, common[0], text.codePointBefore(windowEnd));
    }

    /**
     * Whether the output character at {@code index} (outside the common stretch) ends a word there,
     * so that the stretch does not start or end inside a longer word: "Lyon." is not the end of "Avalon.".
     */
    private static boolean boundary(String output, int index, int windowEdge) {
        if (index < 0 || index >= output.length() || !isWordChar(windowEdge)) {
            return true;
        }
        return !isWordChar(output.charAt(index));
    }

    /** A letter or digit of a space-separated word; each CJK ideograph is a word of its own. */
    private static boolean isWordChar(int codePoint) {
        return Character.isLetterOrDigit(codePoint) && !Character.isIdeographic(codePoint);
    }
}
