package dev.autoj.engine.backend;

/** Why a back end stopped generating. */
public enum StopReason {
    /** The model wrote its end-of-sequence token. */
    EOS,
    /** The token budget ({@code max_new_tokens}) ran out. */
    LENGTH,
    /** Generation was cut because the output fell into a degenerate repetition loop. */
    REPETITION,
    /**
     * The back end refused this one request (e.g. a remote server's HTTP 400 for a prompt longer than
     * its context window) while the rest of the batch was answered; nothing was generated and
     * {@link Generation#rejection()} says why.
     */
    REJECTED
}
