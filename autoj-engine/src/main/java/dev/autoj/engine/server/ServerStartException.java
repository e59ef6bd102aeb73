package dev.autoj.engine.server;

import dev.autoj.engine.backend.BackendException;

/**
 * A managed judge server could not be started: its process exited, or it did not become ready in
 * time. The message holds the exit code (or the timeout), the command as run and the end of its log.
 */
public class ServerStartException extends BackendException {

    private static final long serialVersionUID = 1L;

    public ServerStartException(String message) {
        super(message);
    }

    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
