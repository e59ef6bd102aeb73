package dev.autoj.engine.report;

import dev.autoj.engine.BadInputException;
import java.nio.file.Path;

/**
 * A run summary that cannot be read: says which file, which line (1-based, 0 when the whole file
 * is at fault), what is wrong and how to fix it, in one line.
 *
 * <pre>{@code
 * try { RunSummary.read(file); } catch (SummaryFormatException e) { System.err.println(e.getMessage()); }
 * // → base.json: tests[0] has no "status"; pass a summary.json written by the autoj JUnit extension (…)
 * }</pre>
 */
public final class SummaryFormatException extends BadInputException {

    private static final long serialVersionUID = 1L;

    SummaryFormatException(Path file, int line, String problem, String fix, Throwable cause) {
        super(file, line, null, problem, fix, cause);
    }
}
