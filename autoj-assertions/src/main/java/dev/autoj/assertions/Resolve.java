package dev.autoj.assertions;

import dev.autoj.engine.Judge;
import dev.autoj.engine.protocol.UnencodableTextException;
import java.lang.System.Logger.Level;
import java.util.List;

/** How an assertion finds its judge, scenario and policy when the test did not name them. */
final class Resolve {

    private static final System.Logger LOG = System.getLogger("dev.autoj.assertions");

    private Resolve() {
    }

    static Judge judge(Judge explicit) {
        if (explicit != null) {
            return explicit;
        }
        return JudgeHandOff.current().map(JudgeHandOff.Session::judge).orElseThrow(() -> new IllegalStateException(
                "No Auto-J judge for this assertion. Annotate the test class with @dev.autoj.junit.AutoJ "
                        + "(artifact dev.autoj:autoj-junit) and configure autoj.* (see docs/junit-extension.md), "
                        + "or pass a judge explicitly: assertThatResponse(r).judgedBy(judge)..."));
    }

    static PositionPolicy policy(PositionPolicy explicit) {
        if (explicit != null) {
            return explicit;
        }
        return JudgeHandOff.current().flatMap(JudgeHandOff.Session::positionPolicy).orElse(PositionPolicy.BOTH);
    }

    /**
     * Whether an inconclusive set-level decision fails: the assertion's own choice, else the
     * session's {@code autoj.inconclusive}, else the system property of that name, else abort.
     */
    static boolean failWhenInconclusive(Boolean explicit) {
        if (explicit != null) {
            return explicit;
        }
        java.util.Optional<Boolean> configured = JudgeHandOff.current().flatMap(JudgeHandOff.Session::failWhenInconclusive);
        if (configured.isPresent()) {
            return configured.get();
        }
        return inconclusiveFails(System.getProperty(CandidatesAssert.INCONCLUSIVE_SETTING));
    }

    /** Reads an {@code autoj.inconclusive} value: {@code fail}, {@code abort} or absent (abort). */
    static boolean inconclusiveFails(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "fail" -> true;
            case "abort" -> false;
            default -> throw new IllegalArgumentException(CandidatesAssert.INCONCLUSIVE_SETTING + " is \"" + value
                    + "\"; use fail (an inconclusive set-level decision fails the test) or abort (the default: the test is aborted)");
        };
    }

    static String query(String query, String assertion) {
        if (query == null) {
            throw new IllegalStateException("Call forQuery(query) before " + assertion
                    + "(..): the judge needs the user query the response answers.");
        }
        UnencodableTextException.requireEncodable("The query", query);
        return query;
    }

    /**
     * Refuses a judged text with half a character (a lone UTF-16 surrogate), naming it as the test
     * does ("The response", "The baseline", "Sample 3"), before any judge is asked.
     */
    static String encodable(String field, String text) {
        UnencodableTextException.requireEncodable(field, text);
        return text;
    }

    /** Hands the report to the running session; warnings about the judged texts also go to the log. */
    static void report(JudgmentReport report) {
        List<String> warnings = report.textWarnings();
        if (!warnings.isEmpty()) {
            LOG.log(Level.WARNING, () -> "autoj " + report.assertion() + ": " + String.join(" | ", warnings));
        }
        JudgeHandOff.current().ifPresent(session -> session.judged(report));
    }

    /** Hands a set-level decision to the running session. */
    static void reportSet(SetReport report) {
        JudgeHandOff.current().ifPresent(session -> session.comparedSet(report));
    }
}
