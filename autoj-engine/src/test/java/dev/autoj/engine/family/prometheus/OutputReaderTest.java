package dev.autoj.engine.family.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.family.JudgeFamily.Reading;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Prometheus 2's outputs read exactly as the prometheus-eval library reads them. */
class OutputReaderTest {

    @Test
    void everyParserCaseIsReadAsTheLibraryReadsIt() {
        List<PrometheusReference.ParserCase> cases = PrometheusReference.parserCases();
        assertThat(cases).hasSize(40);
        int same = 0;
        for (PrometheusReference.ParserCase c : cases) {
            Reading reading = c.mode().equals("absolute") ? Prometheus.readAbsolute(c.output()) : Prometheus.readRelative(c.output());
            if (!c.parsed()) {
                assertThat(reading.isNoVerdict()).as(c.id() + " (" + c.note() + "): " + reading).isTrue();
                assertThat(c.result().isNull()).isTrue();
            } else if (c.mode().equals("absolute")) {
                assertThat(reading.score()).as(c.id() + " (" + c.note() + "): " + reading).isEqualTo(c.result().intValue());
            } else {
                assertThat(reading.verdict()).as(c.id() + " (" + c.note() + "): " + reading).isEqualTo(c.result().textValue());
            }
            same++;
        }
        assertThat(same).isEqualTo(40);
    }

    /** Python's {@code \s}, {@code \d} and IGNORECASE, not Java's defaults. */
    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "Good. [RESULT] 4\\u00A0|4|no-break space is whitespace to Python",
        "Good. [RESULT] 4\\u001C|4|U+001C is whitespace to Python's str.isspace",
        "Good. [RESULT] 4\\u2028|4|line separator is whitespace",
        "Good. [RESULT] 4\\u200B|0|zero-width space is not whitespace",
        "Good. [RESULT] \\u0664|4|Arabic-Indic four is a decimal digit and int() reads it",
        "Good. [RESULT] \\uFF14|4|fullwidth four",
        "Good. \\u017Fcore: 3|3|long s matches s under IGNORECASE",
        "Good. [RESULT] 04|4|a leading zero",
        "Good. [RESULT] 99999999999999999999999|0|a huge number is out of range, not an overflow",
        "Good. [RESULT] ( [ 2)|2|opening brackets and blanks before the number, one closing bracket after",
        "Good. [RESULT] [[2]]|0|two closing brackets",
        "Good. [RESULT]: 5|5|[RESULT]:",
        "Good. [RESULT] 3 /5|0|a blank before /5",
        "Good. [RESULT] 3/ 5|3|a blank after the slash",
        "Good. score OF 2 out  of 5|2|score of, out of with blanks",
        "Use an underscore 3|3|'score' inside a word counts, as in the library",
        "Score: 2\\nScore: 3|3|the first marker that reaches the end",
        "[RESULT] 5\\n\\n\\n|5|trailing newlines"})
    void absoluteReadingFollowsPythonsCharacterClasses(String output, int score, String why) {
        Reading reading = Prometheus.readAbsolute(unescape(output));
        if (score == 0) {
            assertThat(reading.isNoVerdict()).as(why + ": " + reading).isTrue();
        } else {
            assertThat(reading.score()).as(why).isEqualTo(score);
        }
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "B is better. [RESULT] A\\nThat is all.|A|the letter ends its line; text may follow on later lines",
        "B is better. [RESULT] A That is all.|-|text after the letter on its line",
        "[RESULT] B\\r\\nThanks|B|a Windows line end",
        "[RESULT] A\\u2028more|-|only LF ends a line",
        "[RESULT] A\\u2028|A|line separator as trailing whitespace",
        "[RESULT: b]|B|[RESULT: b]",
        "[Result]   Response   a]|A|[Result] Response a]",
        "Feedback: fine.\\nResult: B|B|a line starting Result:",
        "Feedback: the Result: B|-|Result: not at a line start",
        "Feedback: fine.\\nresult a|A|Result without colon at a line start",
        "[\\u017FCORE] A|-|[SCORE] is not a relative marker",
        "[RESULT] C|-|neither A nor B",
        "[RESULT] AB|-|two letters"})
    void relativeReadingFollowsTheLibrarysLineRules(String output, String verdict, String why) {
        Reading reading = Prometheus.readRelative(unescape(output));
        if (verdict.equals("-")) {
            assertThat(reading.isNoVerdict()).as(why + ": " + reading).isTrue();
        } else {
            assertThat(reading.verdict()).as(why).isEqualTo(verdict);
        }
    }

    @Test
    void noVerdictsSayWhy() {
        assertThat(Prometheus.readAbsolute(null).noVerdictReason()).isEqualTo("the judge returned no output");
        assertThat(Prometheus.readAbsolute("Fine. [RESULT] 6").noVerdictReason()).contains("6", "1–5");
        assertThat(Prometheus.readAbsolute("Fine. [RESULT] 4.").noVerdictReason()).contains("[RESULT]", "\"Fine. [RESULT] 4.\"");
        assertThat(Prometheus.readRelative("Both fine. [RESULT] Tie").noVerdictReason()).contains("no tie", "[RESULT] Tie");
        assertThat(Prometheus.readRelative("").noVerdictReason()).contains("empty");
    }

    /** The rows spell newlines and other characters as Java escapes, so that none is trimmed away or splits a row. */
    private static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                if (next == 'n' || next == 'r') {
                    out.append(next == 'n' ? '\n' : '\r');
                    i++;
                    continue;
                }
                if (next == 'u') {
                    out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
                    i += 5;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
