package dev.autoj.cli.eval;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Bad input in a JSON Lines file: says which file, which line (1-based, 0 when the whole file is
 * at fault), what is wrong and how to fix it, in one line.
 *
 * <pre>{@code
 * throw new InputException(file, 12, "field \"label\" is missing", "add \"label\": 0, 1 or 2");
 * // → testdata.jsonl line 12: field "label" is missing; add "label": 0, 1 or 2
 * }</pre>
 */
public final class InputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    /**
     * @param file the file at fault
     * @param line 1-based line number, 0 when no single line is at fault
     * @param problem what is wrong
     * @param fix what the user should do
     */
    public InputException(Path file, int line, String problem, String fix) {
        this(file, line, problem, fix, null);
    }

    public InputException(Path file, int line, String problem, String fix, Throwable cause) {
        super(where(file, line) + ": " + Objects.requireNonNull(problem) + "; " + Objects.requireNonNull(fix), cause);
        this.file = file;
        this.line = line;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, 0 when the whole file is. */
    public int line() {
        return line;
    }

    private static String where(Path file, int line) {
        return line > 0 ? file + " line " + line : file.toString();
    }
}
