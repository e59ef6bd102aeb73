package dev.autoj.engine.store;

/** The judgment store cannot do what was asked: a damaged file, a conflict, a replay miss, an I/O failure. */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
