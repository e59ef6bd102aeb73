package dev.autoj.cli;

/** The command ran to the end and its check failed (exit code 4); the message says what failed. */
final class CheckFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CheckFailedException(String message) {
        super(message);
    }
}
