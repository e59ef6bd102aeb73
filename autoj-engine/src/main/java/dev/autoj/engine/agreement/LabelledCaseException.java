package dev.autoj.engine.agreement;

import java.nio.file.Path;

/**
 * A labelled-case file that cannot be read: names the file, the line (1-based; 0 when the whole
 * file is at fault), the field (or null) and what to do, in one line.
 *
 * <pre>{@code
 * // cases.jsonl line 4, field "label": is 0; write 1 (response_1 is better), 2 (response_2 is better) or "tie"
 * }</pre>
 */
public final class LabelledCaseException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String field;

    LabelledCaseException(Path file, int line, String field, String problem, String fix, Throwable cause) {
        super(where(file, line, field) + ": " + problem + "; " + fix, cause);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, 0 when the whole file is. */
    public int line() {
        return line;
    }

    /** The field at fault, or null when the line as a whole is. */
    public String field() {
        return field;
    }

    private static String where(Path file, int line, String field) {
        String where = line > 0 ? file + " line " + line : String.valueOf(file);
        return field == null ? where : where + ", field \"" + field + "\"";
    }
}
