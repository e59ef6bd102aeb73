package dev.autoj.engine.backend;

/** Why a back end stopped generating. */
public enum StopReason {
    /** The model wrote its end-of-sequence token. */
    EOS,
    /** The token budget ({@code max_new_tokens}) ran out. */
    LENGTH,
    /** Generation was cut because the output fell into a degenerate repetition loop. */
    REPETITION
}
