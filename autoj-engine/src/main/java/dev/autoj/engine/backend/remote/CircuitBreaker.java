package dev.autoj.engine.backend.remote;

import dev.autoj.engine.backend.BackendException;
import java.time.Duration;
import java.time.Instant;

/**
 * Fails requests at once while the judge is known to be dead, so that a run against a dead judge
 * costs one request timeout, not one per test.
 *
 * <p>Closed: requests go out. When one gives up because the judge was unreachable or timing out, it
 * {@link #trip trips} the breaker: open for {@code breakerCoolOff} (doubling with each failed probe,
 * up to the cap, with jitter), during which every request fails at once with that cause and the time
 * it was seen. Then the next request is the probe, sent with no retries; the others still fail at
 * once until it ends. An answer of any kind closes the breaker; another unreachable or timed-out
 * judge opens it again for longer.
 */
final class CircuitBreaker {

    private static final System.Logger LOG = System.getLogger(RemoteBackend.class.getName());

    /** The cause that opened the breaker: what happened, when, and the exception. */
    private record Trip(String cause, Instant seenAt, long until, Duration coolOff, Throwable exception) {
    }

    private final RemoteConfig config;
    private final Timing timing;
    private final String hint;
    private Trip open;
    private boolean probing;
    private int opensInARow;

    CircuitBreaker(RemoteConfig config, Timing timing, String hint) {
        this.config = config;
        this.timing = timing;
        this.hint = hint;
    }

    /**
     * Lets a request start: false for a normal request, true when it is the probe after a cool-off.
     *
     * @throws BackendException at once while the breaker is open or another request probes
     */
    synchronized boolean admit() {
        if (open == null) {
            return false;
        }
        if (!probing && open.until() - timing.nanos() <= 0) {
            probing = true;
            return true;
        }
        throw failFast();
    }

    /** For a retry of a normal request: fails it at once if another request tripped the breaker meanwhile. */
    synchronized void check() {
        if (open != null) {
            throw failFast();
        }
    }

    /** The judge answered (with anything): requests flow again. */
    synchronized void answered(boolean wasProbe) {
        if (wasProbe || open == null) {
            if (open != null) {
                LOG.log(System.Logger.Level.INFO, () -> "autoj remote backend: the judge answered again;"
                        + " requests go out normally");
            }
            open = null;
            probing = false;
            opensInARow = 0;
        }
    }

    /** A request gave up because the judge was unreachable or timing out: fail fast for a cool-off. */
    synchronized void trip(boolean wasProbe, String cause, Throwable exception) {
        if (open != null && !wasProbe) {
            return; // already open; the first cause stays the one reported
        }
        probing = false;
        Duration coolOff = timing.breakerCoolOff(opensInARow++);
        open = new Trip(cause, Instant.now(), timing.nanos() + coolOff.toNanos(), coolOff, exception);
        LOG.log(System.Logger.Level.WARNING, () -> "autoj remote backend: the judge is unreachable; requests fail"
                + " at once for " + coolOff.toSeconds() + " s, then one request probes it; cause: " + cause);
    }

    /** A probe that ended without proving the judge dead or alive (e.g. interrupted): let the next one try. */
    synchronized void probeAbandoned() {
        probing = false;
    }

    private BackendException failFast() {
        Trip t = open;
        long left = Math.max(0, t.until() - timing.nanos());
        String when = probing ? "until the request probing it now gets an answer"
                : "for another " + Duration.ofNanos(left).toSeconds() + " s, then one request probes it";
        return new BackendException("the remote judge " + config.endpoints() + " was unreachable at " + t.seenAt()
                + " and requests fail at once " + when + "; the cause then: " + t.cause() + ". " + hint,
                t.exception());
    }
}
