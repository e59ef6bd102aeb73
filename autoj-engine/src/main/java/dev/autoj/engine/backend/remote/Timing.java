package dev.autoj.engine.backend.remote;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.DoubleSupplier;

/**
 * The remote client's time: the clock its deadlines and cool-offs are read on, the sleeper it waits with
 * (tests substitute both), and every wait it computes, each the one jittered exponential wait: a retry's
 * backoff, a server's {@code Retry-After} (capped at the backoff cap after a 5xx, a timeout or a broken
 * connection; the header's two forms), an ejected endpoint's cool-off and the open breaker's.
 *
 * @param config the waits' bases and caps
 * @param ticker the clock
 * @param sleeper how the client waits
 * @param jitter where in its range each wait falls (0 to 1)
 */
record Timing(RemoteConfig config, Ticker ticker, Sleeper sleeper, DoubleSupplier jitter) {

    /** Now, in monotonic nanoseconds. */
    long nanos() {
        return ticker.nanos();
    }

    /** Waits {@code duration} (a test's sleeper records it instead). */
    void sleep(Duration duration) throws InterruptedException {
        sleeper.sleep(duration);
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

    /** An ejected endpoint's cool-off n (0-based): between half and all of min(cap, base * 2^n). */
    Duration endpointCoolOff(int ejectionsInARow) {
        return exponential(config.coolOffBase(), config.coolOffCap(), ejectionsInARow, 0.5, jitter);
    }

    /** The open breaker's cool-off: between three quarters and all of min(cap, base * 2^opens). */
    Duration breakerCoolOff(int opens) {
        return exponential(config.breakerCoolOff(), config.breakerCoolOffCap(), opens, 0.75, jitter);
    }

    /**
     * The one jittered exponential wait: between {@code least} and all of min(cap, base * 2^doublings),
     * placed in that range by {@code jitter} (0 to 1).
     */
    private static Duration exponential(Duration base, Duration cap, int doublings, double least, DoubleSupplier jitter) {
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
