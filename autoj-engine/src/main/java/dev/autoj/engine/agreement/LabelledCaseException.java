package dev.autoj.engine.agreement;

import dev.autoj.engine.BadInputException;
import java.nio.file.Path;

/**
 * A labelled-case file that cannot be read: names the file, the line (1-based; 0 when the whole
 * file is at fault), the field (or null) and what to do, in one line.
 *
 * <pre>{@code
 * // cases.jsonl line 4, field "label": is 0; write 1 (response_1 is better), 2 (response_2 is better) or "tie"
 * }</pre>
 */
public final class LabelledCaseException extends BadInputException {

    private static final long serialVersionUID = 1L;

    LabelledCaseException(Path file, int line, String field, String problem, String fix, Throwable cause) {
        super(file, line, field, problem, fix, cause);
    }
}
