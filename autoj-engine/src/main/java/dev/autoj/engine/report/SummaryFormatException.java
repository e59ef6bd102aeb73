package dev.autoj.engine.report;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A run summary that cannot be read: says which file, which line (1-based, 0 when the whole file
 * is at fault), what is wrong and how to fix it, in one line.
 *
 * <pre>{@code
 * try { RunSummary.read(file); } catch (SummaryFormatException e) { System.err.println(e.getMessage()); }
 * // → base.json: tests[0] has no "status"; pass a summary.json written by the autoj JUnit extension (…)
 * }</pre>
 */
public final class SummaryFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String problem;
    private final String fix;

    SummaryFormatException(Path file, int line, String problem, String fix, Throwable cause) {
        super((line > 0 ? file + " line " + line : String.valueOf(file)) + ": " + Objects.requireNonNull(problem) + "; "
                + Objects.requireNonNull(fix), cause);
        this.file = file;
        this.line = line;
        this.problem = problem;
        this.fix = fix;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, 0 when the whole file is. */
    public int line() {
        return line;
    }

    /** What is wrong, without the file. */
    public String problem() {
        return problem;
    }

    /** What to do about it. */
    public String fix() {
        return fix;
    }
}
