package dev.autoj.engine.conformance;

import java.util.Objects;

/**
 * The judge answered the golden set differently from Auto-J beyond the tolerance: a wrong model,
 * quantisation, prompt template or server setting. The message starts with
 * {@code "judge does not reproduce Auto-J"} and lists each differing case.
 */
public final class ConformanceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ConformanceReport report;

    public ConformanceException(ConformanceReport report) {
        super(message(Objects.requireNonNull(report, "report")));
        this.report = report;
    }

    /** The full report, with every case. */
    public ConformanceReport report() {
        return report;
    }

    private static String message(ConformanceReport report) {
        return "judge does not reproduce Auto-J: " + report.differences().size() + " of " + report.cases().size()
                + " golden cases differ beyond the tolerance. Check the served model (GAIR/autoj-13b weights, not a quantised"
                + " or other fine-tune), greedy decoding (temperature 0) and the server's prompt handling (no chat template),"
                + " or set autoj.conformance=warn to run anyway.\n" + report.describe();
    }
}
