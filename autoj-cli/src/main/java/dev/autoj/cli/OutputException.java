package dev.autoj.cli;

/** The output file could not be written; nothing was left half-written. */
final class OutputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    OutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
