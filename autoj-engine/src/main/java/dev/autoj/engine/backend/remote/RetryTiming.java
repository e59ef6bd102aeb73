package dev.autoj.engine.backend.remote;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.DoubleSupplier;

/**
 * How long the client waits before a retry: jittered exponential backoff, a server's {@code Retry-After}
 * (capped at the backoff cap after a 5xx, a timeout or a broken connection), and the header's two forms.
 */
final class RetryTiming {

    private final RemoteConfig config;
    private final DoubleSupplier jitter;

    RetryTiming(RemoteConfig config, DoubleSupplier jitter) {
        this.config = config;
        this.jitter = jitter;
    }

    /**
     * The wait before retry number {@code charged} after a 5xx, a timeout or a broken connection: the
     * server's Retry-After (capped at the backoff cap), else the backoff.
     */
    Duration serverWait(int charged, Duration retryAfter) {
        return retryAfter != null ? min(retryAfter, config.backoffCap()) : backoff(charged);
    }

    /** Retry n waits between half and all of min(cap, base * 2^(n-1)), so that clients spread out. */
    Duration backoff(int retry) {
        return exponential(config.backoffBase(), config.backoffCap(), retry - 1, 0.5, jitter);
    }

    /**
     * The one jittered exponential wait of the remote client (retries, an ejected endpoint's cool-off,
     * the open breaker's): between {@code least} and all of min(cap, base * 2^doublings), placed in that
     * range by {@code jitter} (0 to 1).
     */
    static Duration exponential(Duration base, Duration cap, int doublings, double least, DoubleSupplier jitter) {
        Duration full = base;
        for (int i = 0; i < doublings && full.compareTo(cap) < 0; i++) {
            full = full.multipliedBy(2);
        }
        full = min(full, cap);
        double fraction = least + (1 - least) * Math.min(1.0, Math.max(0.0, jitter.getAsDouble()));
        return Duration.ofNanos((long) (full.toNanos() * fraction));
    }

    /** Delay-seconds or an HTTP-date; anything else is ignored (null) and the normal backoff applies. */
    static Duration retryAfter(String value) {
        String v = value.strip();
        if (v.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Duration until = Duration.between(ZonedDateTime.now(),
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
