package dev.autoj.engine;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Input autoj cannot use, said in one line: where (a file, a line of it, a field of that line), what is
 * wrong and what to do. The subclasses name the input: a labelled-case file
 * ({@link dev.autoj.engine.agreement.LabelledCaseException}), a run summary
 * ({@link dev.autoj.engine.report.SummaryFormatException}), a request a judge family cannot serve
 * ({@link dev.autoj.engine.family.JudgeFamily.InvalidRequestException}).
 *
 * <pre>{@code
 * try { LabelledCases.read(file); } catch (BadInputException e) { System.err.println(e.getMessage()); }
 * // → cases.jsonl line 4, field "label": is 0; write 1 (response_1 is better), 2 (response_2 is better) or "tie"
 * e.line();      // 4
 * e.field();     // "label"
 * e.fix();       // write 1 (response_1 is better), …
 * }</pre>
 *
 * <p>The message starts with the place when there is a file: {@code file}, {@code file line N}, then
 * {@code , field "x"} when a field is at fault. Without a file (a request's field) the problem names
 * the field itself and the message is {@code problem; fix}.
 */
public abstract class BadInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String field;
    private final String problem;
    private final String fix;

    /**
     * @param file the file at fault, or null when the input is not a file
     * @param line the 1-based line at fault, 0 when the whole file (or no line) is
     * @param field the field at fault, or null when the line as a whole is
     * @param problem what is wrong
     * @param fix what to do about it
     * @param cause what failed underneath, or null
     */
    protected BadInputException(Path file, int line, String field, String problem, String fix, Throwable cause) {
        super(where(file, line, field) + Objects.requireNonNull(problem, "problem") + "; " + Objects.requireNonNull(fix, "fix"),
                cause);
        this.file = file;
        this.line = line;
        this.field = field;
        this.problem = problem;
        this.fix = fix;
    }

    /** The file at fault, or null when the input is not a file. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, 0 when the whole file (or no line) is. */
    public int line() {
        return line;
    }

    /** The field at fault, or null when the line as a whole is. */
    public String field() {
        return field;
    }

    /** What is wrong, without the place. */
    public String problem() {
        return problem;
    }

    /** What to do about it. */
    public String fix() {
        return fix;
    }

    /** {@code "cases.jsonl line 4, field \"label\": "}; empty without a file. */
    private static String where(Path file, int line, String field) {
        if (file == null) {
            return "";
        }
        String where = line > 0 ? file + " line " + line : file.toString();
        return (field == null ? where : where + ", field \"" + field + "\"") + ": ";
    }
}
