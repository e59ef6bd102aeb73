package dev.autoj.engine.server;

import dev.autoj.engine.backend.BackendException;

/**
 * A managed judge server could not be started (its process exited, or it did not become ready in
 * time), or it exited while in use. The message holds the exit code (or the timeout), the command as
 * run and the end of its log.
 */
public class ServerStartException extends BackendException {

    private static final long serialVersionUID = 1L;

    private final boolean alreadyReported;

    public ServerStartException(String message) {
        this(message, null, false);
    }

    public ServerStartException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private ServerStartException(String message, Throwable cause, boolean alreadyReported) {
        super(message, cause);
        this.alreadyReported = alreadyReported;
    }

    /** A later call's failure: {@code message} says the start failed before; {@code first} (the cause) has the full report. */
    public static ServerStartException repeatOf(ServerStartException first, String message) {
        return new ServerStartException(message, first, true);
    }

    /**
     * True when this is a later call meeting a start that already failed (its cause is the first, full
     * report): a test harness can skip such calls rather than fail each with the same story.
     *
     * <pre>{@code
     * catch (ServerStartException e) { if (e.alreadyReported()) throw new TestAbortedException(e.getMessage()); throw e; }
     * }</pre>
     */
    public boolean alreadyReported() {
        return alreadyReported;
    }
}
