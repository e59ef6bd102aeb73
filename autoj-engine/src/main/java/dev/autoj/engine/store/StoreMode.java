package dev.autoj.engine.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a judge uses its {@link JudgmentStore}.
 *
 * <pre>{@code
 * StoreMode mode = StoreMode.parse(System.getProperty("autoj.mode", "replay"));
 * }</pre>
 */
public enum StoreMode {
    /** Always ask the back end; never read or write the store. */
    LIVE,
    /** Answer from the store when it holds the judgment; otherwise ask the back end and record the answer. */
    RECORD,
    /** Answer only from the store; a missing judgment is a failure and no back end is needed. */
    REPLAY;

    /**
     * Reads {@code live}, {@code record} or {@code replay} (any case).
     *
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    public static StoreMode parse(String value) {
        if (value != null) {
            for (StoreMode mode : values()) {
                if (mode.name().equalsIgnoreCase(value.trim())) {
                    return mode;
                }
            }
        }
        throw new IllegalArgumentException("Unknown judgment store mode '" + value + "'; use one of "
                + Arrays.stream(values()).map(m -> m.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
