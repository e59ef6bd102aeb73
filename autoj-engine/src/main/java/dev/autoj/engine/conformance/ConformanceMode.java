package dev.autoj.engine.conformance;

import dev.autoj.engine.SettingText;

/**
 * What a run does with the conformance check (configuration key {@code autoj.conformance}).
 *
 * <pre>{@code
 * ConformanceMode mode = ConformanceMode.parse(System.getProperty("autoj.conformance", "strict"));
 * }</pre>
 */
public enum ConformanceMode {
    /** Check; a judge that does not conform stops the run with a {@link ConformanceException}. */
    STRICT,
    /** Check; a judge that does not conform is logged as a warning and the run goes on. */
    WARN,
    /** Do not check. */
    OFF;

    /**
     * Reads {@code strict}, {@code warn} or {@code off} (any case).
     *
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    public static ConformanceMode parse(String value) {
        return SettingText.parseChoice(value, ConformanceMode.class,
                v -> "Unknown conformance mode '" + v + "' (autoj.conformance); use one of " + SettingText.choices(ConformanceMode.class));
    }
}
