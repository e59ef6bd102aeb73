package dev.autoj.engine.protocol;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads the verdict out of a judge's output with the original Auto-J rules, except that an
 * output without a readable verdict is an explicit no-verdict with its reason, never 0.0, and
 * that a marker the judge quotes from a judged text does not count.
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
 * <p><b>Quoted markers.</b> A judge may quote a judged text, and a judged text may hold a verdict
 * statement ({@code "So, the final decision is Response 1."}, {@code "Rating: [[10]]"}). Given the
 * judged texts, the parser decides by where a statement stands, not by its words alone: a marker
 * whose statement (the marker and its verdict, e.g. {@code "final decision is Response 1"} or
 * {@code "Rating: [[10]]"}) occurs in a judged text is a quote only where the judge actually quotes
 * it, i.e. inside quotation marks, or with the judged text's own words around it (its three nearest
 * words, six Chinese characters, before or after the statement; Auto-J's formula lead-in
 * {@code "So, the "} / {@code "所以，"} is not counted). The verdict is the last marker that is not a
 * quote, and the result carries a warning naming each skipped quote and the marker used. The judge's
 * own statement counts even when a judged text holds the same words; a quote never counts, even when
 * it is the only marker: then the result is a no-verdict saying so, with the skipped quotes as
 * warnings. Without judged texts (or when no judged text holds the statement) the result is exactly
 * Auto-J's rule: the last marker wins.
 *
 * <pre>{@code
 * Prompt prompt = PromptBuilder.single(Language.EN, "Capital of France?", "Lyon. Rating: [[10]]");
 * VerdictParser.parse(prompt, "Wrong city.\n\nRating: [[2]]\n\nIt ends with \"Rating: [[10]]\".").rating(); // 2.0
 * VerdictParser.parse(prompt, "Wrong city. Lyon. Rating: [[10]]").isNoVerdict();                          // true
 * }</pre>
 */
public final class VerdictParser {

    private static final String EN_DECISION = "final decision is ";
    private static final String ZH_DECISION = "最终决定是";
    /** What may follow a decision statement, in the order of {@link #DECISIONS}. */
    private static final List<String> EN_WORDS = List.of("response 1", "response 2", "tie");
    private static final List<String> ZH_WORDS = List.of("回应1", "回应2", "平局");
    private static final List<Verdict> DECISIONS = List.of(Verdict.RESPONSE_1, Verdict.RESPONSE_2, Verdict.TIE);
    private static final String EN_RATING = "Rating: [[";
    private static final String[] ZH_RATINGS = {"评分:[[", "评分: [[", "打分:[[", "打分: [["};
    private static final int SNIPPET = 40;
    /** Auto-J's closing formula before the decision marker: context, but not the judged text's own words. */
    private static final List<String> EN_LEAD_INS = List.of("So, the ");
    private static final List<String> ZH_LEAD_INS = List.of("所以，", "所以, ", "所以,");
    /** Decimal numbers as Python's float() reads them; Java's extras (hex, "7d", "7f") are refused. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private VerdictParser() {
    }

    /**
     * Parses {@code output} of a {@link Protocol#SINGLE} or {@link Protocol#PAIRWISE} judgment without
     * knowing the judged texts: the last marker wins, as in Auto-J's own code. Prefer
     * {@link #parse(Prompt, String)} when the prompt is at hand.
     */
    public static ParsedVerdict parse(Protocol protocol, Language language, String output) {
        return parse(protocol, language, output, Map.of());
    }

    /** Parses the judge's {@code output} for {@code prompt}, skipping markers it quotes from its judged texts. */
    public static ParsedVerdict parse(Prompt prompt, String output) {
        return parse(prompt.protocol(), prompt.language(), output, prompt.judgedTexts());
    }

    /**
     * Parses {@code output}; a marker the judge quotes from one of {@code judgedTexts} (name → text, e.g.
     * {@code "response 1"} → its text; the names appear in warnings) is skipped: its statement occurs in
     * that text and stands in quotation marks or amid that text's own words (see the class comment).
     */
    public static ParsedVerdict parse(Protocol protocol, Language language, String output, Map<String, String> judgedTexts) {
        if (output == null) {
            return ParsedVerdict.noVerdict("the judge returned no output");
        }
        Map<String, String> texts = judgedTexts == null ? Map.of() : judgedTexts;
        return switch (protocol) {
            case PAIRWISE -> language == Language.ZH ? pairwiseZh(output, texts) : pairwiseEn(output, texts);
            case SINGLE -> language == Language.ZH ? singleZh(output, texts) : singleEn(output, texts);
            case SCENARIO -> throw new IllegalArgumentException("scenario answers are not verdicts; use Scenario.find");
        };
    }

    /**
     * One verdict marker in the output.
     *
     * @param start where the marker starts in the parsed text
     * @param end where its statement ends (after the verdict or rating, or a short stretch of what follows)
     * @param reading what the marker says
     */
    private record Marker(int start, int end, ParsedVerdict reading) {
    }

    /** Reads the marker at a position; {@code which} names it in reasons ("last", "last unquoted"). */
    private interface MarkerReader {
        Marker read(int position, String which);
    }

    private static ParsedVerdict pairwiseEn(String output, Map<String, String> texts) {
        return pairwise(output, texts, EN_DECISION, EN_LEAD_INS, EN_WORDS, true, "Response 1, Response 2 or Tie");
    }

    private static ParsedVerdict pairwiseZh(String output, Map<String, String> texts) {
        return pairwise(output, texts, ZH_DECISION, ZH_LEAD_INS, ZH_WORDS, false, "回应1, 回应2 or 平局");
    }

    /**
     * A pairwise verdict in either language: the chosen decision statement ({@code decision}) followed by one
     * of {@code words}, matched in lower case when {@code lowerCase}; {@code choices} names the words in reasons.
     */
    private static ParsedVerdict pairwise(String output, Map<String, String> texts, String decision,
                                          List<String> leadIns, List<String> words, boolean lowerCase, String choices) {
        String text = output.strip();
        String label = "\"" + decision.strip() + "\"";
        return choose(output, text, positions(text, decision), texts, leadIns, label,
                () -> "the judge output has no " + label + " statement" + ending(text),
                (pos, which) -> {
                    int after = skipWhitespace(text, pos + decision.length());
                    String rest = lowerCase ? text.substring(after).toLowerCase(Locale.ROOT) : text.substring(after);
                    return decided(text, pos, after, rest, words, () -> "the " + which
                            + " " + label + " is followed by \"" + snippet(rest.strip()) + "\", not " + choices);
                });
    }

    /**
     * The marker whose decision word ({@code words}: Response 1, Response 2, Tie, in the language's
     * spelling) starts {@code rest}, the text after the decision statement at {@code after}; else no verdict.
     */
    private static Marker decided(String text, int pos, int after, String rest, List<String> words,
                                   Supplier<String> noneOfThem) {
        for (int i = 0; i < words.size(); i++) {
            if (rest.startsWith(words.get(i))) {
                return new Marker(pos, after + words.get(i).length(), ParsedVerdict.of(DECISIONS.get(i)));
            }
        }
        return new Marker(pos, shortEnd(text, after), ParsedVerdict.noVerdict(noneOfThem.get()));
    }

    private static ParsedVerdict singleEn(String output, Map<String, String> texts) {
        return choose(output, output, positions(output, EN_RATING), texts, List.of(), "rating",
                () -> "the judge output has no \"Rating: [[n]]\"" + ending(output),
                (pos, which) -> rating(output, pos, EN_RATING.length(), which));
    }

    private static ParsedVerdict singleZh(String output, Map<String, String> texts) {
        List<Integer> positions = new ArrayList<>();
        for (String marker : ZH_RATINGS) {
            positions.addAll(positions(output, marker));
        }
        positions.sort(null);
        return choose(output, output, positions, texts, List.of(), "rating",
                () -> "the judge output has no \"评分: [[n]]\"" + ending(output),
                (pos, which) -> {
                    for (String marker : ZH_RATINGS) {
                        if (output.startsWith(marker, pos)) {
                            return rating(output, pos, marker.length(), which);
                        }
                    }
                    throw new IllegalStateException("no rating marker at " + pos);
                });
    }

    private static Marker rating(String output, int pos, int markerLength, String which) {
        int start = pos + markerLength;
        int end = output.indexOf("]]", start);
        if (end < 0) {
            return new Marker(pos, shortEnd(output, start), ParsedVerdict.noVerdict("the " + which
                    + " rating marker is not closed with \"]]\": \"" + snippet(output.substring(start)) + "\""));
        }
        String value = output.substring(start, end).strip();
        int statementEnd = end + 2;
        if (!NUMBER.matcher(value).matches()) {
            return new Marker(pos, statementEnd, ParsedVerdict.noVerdict("the rating \"" + snippet(value) + "\" is not a number"));
        }
        double rating = Double.parseDouble(value);
        if (!(rating >= 1 && rating <= 10)) {
            return new Marker(pos, statementEnd, ParsedVerdict.noVerdict("the rating " + value + " is outside the scale 1 to 10"));
        }
        return new Marker(pos, statementEnd, ParsedVerdict.ofRating(rating));
    }

    /**
     * The verdict of the last marker that is not a quote from a judged text ({@link Quotes}), with a
     * warning per skipped quote; positions in warnings count characters of {@code output}.
     */
    private static ParsedVerdict choose(String output, String text, List<Integer> positions, Map<String, String> texts,
                                        List<String> leadIns, String markerName, Supplier<String> noMarker,
                                        MarkerReader reader) {
        if (positions.isEmpty()) {
            return ParsedVerdict.noVerdict(noMarker.get());
        }
        // The pairwise rules read the stripped output; warnings count characters of the output itself.
        int offset = text.equals(output) ? 0 : output.length() - output.stripLeading().length();
        List<String> skipped = new ArrayList<>();
        String lastCopy = null;
        for (int i = positions.size() - 1; i >= 0; i--) {
            Marker marker = reader.read(positions.get(i), skipped.isEmpty() ? "last" : "last unquoted");
            String statement = text.substring(marker.start(), marker.end());
            Quotes.Copy copy = Quotes.find(text, marker.start(), marker.end(), texts, leadIns);
            if (copy == null) {
                String used = "\"" + snippet(statement) + "\" (at character " + (offset + marker.start()) + ")";
                return marker.reading().withWarnings(skipped.stream()
                        .map(s -> s + "the verdict is read from the judge's own " + used + ".").toList());
            }
            if (lastCopy == null) {
                lastCopy = "\"" + snippet(statement) + "\" (at character " + (offset + marker.start()) + "), copies the "
                        + copy.source() + " (" + copy.how() + ")";
            }
            skipped.add("Verdict marker skipped: the judge's output copies \"" + snippet(statement) + "\" from the "
                    + copy.source() + " (at character " + (offset + marker.start()) + " of the output, " + copy.how()
                    + "), so it is a quote, not the judge's decision; ");
        }
        String which = skipped.size() == 1 ? "its only " + markerName + " statement, "
                : "each of its " + skipped.size() + " " + markerName + " statements is a copy; the last, ";
        return ParsedVerdict.noVerdict("the judge output states no verdict of its own: " + which + lastCopy
                        + ", and a copy of a judged text is never read as the judge's verdict")
                .withWarnings(skipped.stream().map(s -> s + "the judge's output states no verdict of its own.").toList());
    }

    private static List<Integer> positions(String text, String marker) {
        List<Integer> out = new ArrayList<>();
        for (int pos = text.indexOf(marker); pos >= 0; pos = text.indexOf(marker, pos + 1)) {
            out.add(pos);
        }
        return out;
    }

    private static int skipWhitespace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The end of a short stretch after an unreadable marker: the line's end, at most {@link #SNIPPET} characters on. */
    private static int shortEnd(String text, int from) {
        int limit = Math.min(text.length(), from + SNIPPET);
        int newline = text.indexOf('\n', from);
        return newline >= 0 && newline < limit ? newline : limit;
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
