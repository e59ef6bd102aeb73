package dev.autoj.engine.store;

import dev.autoj.engine.SettingText;

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
        return SettingText.parseChoice(value, StoreMode.class,
                v -> "Unknown judgment store mode '" + v + "'; use one of " + SettingText.choices(StoreMode.class));
    }
}
