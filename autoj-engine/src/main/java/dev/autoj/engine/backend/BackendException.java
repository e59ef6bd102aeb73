package dev.autoj.engine.backend;

/** A back end could not produce a generation: unreachable endpoint, bad model files, prompt too long. */
public class BackendException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
