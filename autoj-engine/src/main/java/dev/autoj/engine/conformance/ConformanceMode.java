package dev.autoj.engine.conformance;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

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
        if (value != null) {
            for (ConformanceMode mode : values()) {
                if (mode.name().equalsIgnoreCase(value.trim())) {
                    return mode;
                }
            }
        }
        throw new IllegalArgumentException("Unknown conformance mode '" + value + "' (autoj.conformance); use one of "
                + Arrays.stream(values()).map(m -> m.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
