package dev.autoj.engine.backend.remote;

import dev.autoj.engine.backend.BackendException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the backend knows about each endpoint, and where the next attempt goes.
 *
 * <ul>
 *   <li>An endpoint that cannot be connected to (refused, connect timeout, reset) is <em>down</em> at
 *       once for a cool-off: {@code coolOffBase}, doubling with each ejection in a row up to
 *       {@code coolOffCap}, with jitter so that many clients do not come back in step.</li>
 *   <li>5xx, request timeouts and unusable answers (a 2xx that is not a completion) only count:
 *       {@code ejectAfterErrors} of them in a row take the endpoint down, so one busy 503 does not.</li>
 *   <li>429 is <em>busy</em>, not down: the endpoint is kept out of rotation until its
 *       {@code Retry-After} ends (or the backoff, without one) and is never ejected for it. When every
 *       endpoint is busy, a request waits for the first to be free, unless that is past its deadline.</li>
 *   <li>When a cool-off ends, the next attempt probes the endpoint alone (half-open); only an answer
 *       puts it back into rotation.</li>
 *   <li>Up endpoints are chosen by fewest requests outstanding (ties in turn), so a slow server gets
 *       less traffic; each takes at most {@code endpointConcurrency} at once.</li>
 *   <li>An endpoint that does not serve the model (found at start) is <em>excluded</em> for good.</li>
 * </ul>
 *
 * <p>Thread-safe: one lock guards every endpoint's state.
 */
final class Fleet {

    private static final System.Logger LOG = System.getLogger(RemoteBackend.class.getName());

    enum Health { UP, DOWN, EXCLUDED }

    /** What one attempt showed about its endpoint. */
    enum Outcome {
        /** The server answered with something other than 5xx/429: it is alive. */
        ANSWERED,
        /** 5xx, a request timeout or a 2xx that is not a completion: counts toward ejection. */
        SERVER_ERROR,
        /** 429: alive but rate-limited; out of rotation for the wait it asked for, never ejected for it. */
        BUSY,
        /** No connection, or the connection broke: down at once. */
        UNREACHABLE,
        /** The attempt was abandoned (interrupted, closed): nothing learned. */
        NONE
    }

    /**
     * One endpoint as the backend sees it, for messages and tests.
     *
     * @param attempts attempts sent to it (probes included)
     * @param probes attempts that probed it after a cool-off
     * @param ejections how often it was taken down
     */
    record Status(URI endpoint, Health health, boolean probing, int inFlight, int attempts, int probes,
                  int ejections, int consecutiveErrors, boolean rateLimited, String lastError) {
    }

    /** Every endpoint is down or excluded and none comes back before the request's deadline. */
    static final class Unavailable extends BackendException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    /**
     * Every endpoint this request may use is rate-limited (429) or down, and none is free again before
     * the request's deadline. Not a dead judge: the circuit breaker stays shut.
     */
    static final class RateLimited extends BackendException {
        private static final long serialVersionUID = 1L;

        RateLimited(String message) {
            super(message);
        }
    }

    /**
     * An endpoint lent to one attempt; give it back with {@link #release}.
     *
     * @param waited how long {@link #acquire} slept for it (a cool-off or a rate limit to end)
     */
    record Lease(URI endpoint, boolean probe, Node node, Duration waited) {
    }

    private static final class Node {
        final URI uri;
        Health health = Health.UP;
        boolean probing;
        /** Whether it ever answered: only a fleet that was up is worth waiting for. */
        boolean answered;
        long downUntil;
        /** Rate-limited (429) until {@code busyUntil}: up, but not sent to before then. */
        boolean busy;
        long busyUntil;
        int ejectionsInARow;
        int consecutiveErrors;
        int inFlight;
        int attempts;
        int probes;
        int ejections;
        String lastError;
        Instant lastErrorAt;

        Node(URI uri) {
            this.uri = uri;
        }
    }

    private final RemoteConfig config;
    private final Timing timing;
    private final List<Node> nodes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int nextTie;

    Fleet(RemoteConfig config, Timing timing) {
        this.config = config;
        this.timing = timing;
        this.nodes = config.endpoints().stream().map(Node::new).toList();
    }

    /**
     * An endpoint for the next attempt: one whose cool-off is over (as a probe), else the up endpoint
     * with the fewest requests outstanding that is not rate-limited, preferring those this request has
     * not tried. Endpoints in {@code avoid} (those that gave this request an unusable answer) are never
     * lent. When every endpoint is down or rate-limited, waits for the first to come back or be free,
     * unless that is past {@code deadline}.
     *
     * @throws Unavailable when every endpoint is down and none comes back before the deadline
     * @throws RateLimited when every endpoint is rate-limited or down and none is free before the deadline
     */
    Lease acquire(Set<URI> tried, Set<URI> avoid, long deadline) {
        Node forced = null;
        Node forcedFree = null;
        long waited = 0;
        lock.lock();
        try {
            while (true) {
                long now = timing.nanos();
                Node probe = null;
                for (Node n : nodes) {
                    boolean due = n.health == Health.DOWN && !n.probing && !avoid.contains(n.uri)
                            && (n.downUntil - now <= 0 || n == forced);
                    if (due && (probe == null || n.downUntil - probe.downUntil < 0)) {
                        probe = n;
                    }
                }
                if (probe != null) {
                    probe.probing = true;
                    probe.probes++;
                    return lend(probe, true, waited);
                }
                forced = null;
                Node best = leastOutstanding(tried, avoid, true, now, forcedFree);
                if (best == null) {
                    best = leastOutstanding(tried, avoid, false, now, forcedFree);
                }
                forcedFree = null;
                if (best != null) {
                    return lend(best, false, waited);
                }
                if (nodes.stream().anyMatch(n -> n.health == Health.UP && !avoid.contains(n.uri) && !rateLimited(n, now))) {
                    // Every up endpoint is at endpointConcurrency: a release signals.
                    awaitChange(TimeUnit.SECONDS.toNanos(1));
                    continue;
                }
                Node next = nodes.stream().filter(n -> n.health == Health.DOWN && !n.probing && !avoid.contains(n.uri))
                        .min(Comparator.comparingLong(n -> n.downUntil - now)).orElse(null);
                Node free = nodes.stream().filter(n -> n.health == Health.UP && !avoid.contains(n.uri) && rateLimited(n, now))
                        .min(Comparator.comparingLong(n -> n.busyUntil - now)).orElse(null);
                if (free != null && (next == null || free.busyUntil - next.downUntil <= 0)) {
                    // Busy, not down: wait as long as it asked, if this request still has that long.
                    if (free.busyUntil - deadline > 0) {
                        throw new RateLimited(unavailable("every endpoint is rate-limited" + (next == null ? "" : " or down")
                                + " and none is free again within the request timeout", now));
                    }
                    long wait = Math.max(0, free.busyUntil - now);
                    sleepUnlocked(wait, "for a rate-limited remote judge endpoint to be free");
                    waited += wait;
                    // Even if the ticker did not move (a test's sleeper), the wait was for this one.
                    forcedFree = free;
                    continue;
                }
                boolean probing = nodes.stream().anyMatch(n -> n.probing && !avoid.contains(n.uri));
                if (next == null && !probing) {
                    // Not a dead judge but a misconfigured one: no Unavailable, so the circuit breaker stays shut.
                    throw new BackendException("no configured endpoint serves the model \"" + config.modelName()
                            + "\": " + describe(now) + ". " + Exchanger.MODEL_HINT);
                }
                if (next == null || (probing && next.downUntil - deadline > 0)) {
                    // Only probes are out: their outcome decides; a release signals.
                    if (deadline - now <= 0) {
                        throw new Unavailable(unavailable("every endpoint is down", now));
                    }
                    awaitChange(deadline - now);
                    continue;
                }
                if (nodes.stream().noneMatch(n -> n.answered)) {
                    // Nothing ever answered: a judge that was not started or a wrong address, not an outage
                    // to ride out. Waiting the whole request timeout would only delay the error.
                    throw new Unavailable(unavailable("every endpoint is down and none has answered since the start",
                            now));
                }
                if (next.downUntil - deadline > 0) {
                    if (free != null) {
                        throw new RateLimited(unavailable("every endpoint is down or rate-limited and none is free again"
                                + " within the request timeout", now));
                    }
                    throw new Unavailable(unavailable("every endpoint is down and none comes back within the"
                            + " request timeout", now));
                }
                long wait = Math.max(0, next.downUntil - now);
                sleepUnlocked(wait, "for a remote judge endpoint to come back");
                waited += wait;
                // Even if the ticker did not move (a test's sleeper), the wait was for this one.
                forced = next;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether some endpoint that is not excluded is outside {@code avoid}: worth another attempt. */
    boolean anyBesides(Set<URI> avoid) {
        return locked(() -> nodes.stream().anyMatch(n -> n.health != Health.EXCLUDED && !avoid.contains(n.uri)));
    }

    /**
     * Gives an endpoint back with what the attempt showed about it; for {@link Outcome#BUSY},
     * {@code busyFor} is how long it asked to be left alone (its Retry-After, or the backoff).
     */
    void release(Lease lease, Outcome outcome, String description, Duration busyFor) {
        lock.lock();
        try {
            Node n = lease.node();
            n.inFlight--;
            if (lease.probe()) {
                n.probing = false;
            }
            switch (outcome) {
                case ANSWERED -> {
                    n.answered = true;
                    n.busy = false;
                    n.consecutiveErrors = 0;
                    if (n.health == Health.DOWN && lease.probe()) {
                        n.health = Health.UP;
                        n.ejectionsInARow = 0;
                        LOG.log(System.Logger.Level.INFO, () -> "autoj remote backend: endpoint " + n.uri
                                + " answered its probe and takes traffic again");
                    } else if (n.health == Health.UP) {
                        n.ejectionsInARow = 0;
                    }
                }
                case SERVER_ERROR -> {
                    noteError(n, description);
                    n.consecutiveErrors++;
                    if (lease.probe() || (n.health == Health.UP && n.consecutiveErrors >= config.ejectAfterErrors())) {
                        eject(n, n.consecutiveErrors + " error" + (n.consecutiveErrors == 1 ? "" : "s")
                                + " in a row, the last: " + description);
                    }
                }
                case BUSY -> {
                    // Alive and saying when to come back: neither an error toward ejection nor a reset of the count.
                    n.answered = true;
                    noteError(n, description);
                    long now = timing.nanos();
                    long until = now + (busyFor == null ? 0 : busyFor.toNanos());
                    if (!rateLimited(n, now) || until - n.busyUntil > 0) {
                        n.busy = until - now > 0;
                        n.busyUntil = until;
                    }
                    if (n.health == Health.DOWN && lease.probe()) {
                        n.health = Health.UP;
                        n.ejectionsInARow = 0;
                        LOG.log(System.Logger.Level.INFO, () -> "autoj remote backend: endpoint " + n.uri
                                + " answered its probe (rate-limited) and takes traffic again once free");
                    }
                }
                case UNREACHABLE -> {
                    noteError(n, description);
                    if (lease.probe() || n.health == Health.UP) {
                        eject(n, description);
                    }
                }
                case NONE -> {
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** At start: the endpoint could not be reached; leave it alone for a cool-off. */
    void unreachable(URI endpoint, String description) {
        locked(() -> {
            Node n = node(endpoint);
            noteError(n, description);
            if (n.health == Health.UP) {
                eject(n, description);
            }
            return null;
        });
    }

    /** At start: the endpoint answered (with anything); it is alive. */
    void answered(URI endpoint) {
        locked(() -> {
            node(endpoint).answered = true;
            return null;
        });
    }

    /** At start: the endpoint does not serve the model; it is never used. */
    void exclude(URI endpoint, String reason) {
        locked(() -> {
            Node n = node(endpoint);
            n.health = Health.EXCLUDED;
            noteError(n, reason);
            changed.signalAll();
            return null;
        });
    }

    List<Status> status() {
        return locked(() -> {
            long now = timing.nanos();
            return nodes.stream().map(n -> new Status(n.uri, n.health, n.probing, n.inFlight, n.attempts, n.probes,
                    n.ejections, n.consecutiveErrors, rateLimited(n, now), n.lastError)).toList();
        });
    }

    /** Each endpoint with its state and last error, for messages. */
    String describe() {
        return locked(() -> describe(timing.nanos()));
    }

    /** What {@code action} returns, computed holding the fleet's lock. */
    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    private String unavailable(String what, long now) {
        return what + ": " + describe(now);
    }

    private String describe(long now) {
        List<String> parts = new ArrayList<>();
        for (Node n : nodes) {
            String state = switch (n.health) {
                case UP -> rateLimited(n, now) ? "up, rate-limited for another " + millis(n.busyUntil - now) + " ms" : "up";
                case EXCLUDED -> "not used";
                case DOWN -> n.probing ? "down, being probed" : n.downUntil - now > 0
                        ? "down for another " + millis(n.downUntil - now) + " ms" : "down, due for a probe";
            };
            parts.add(n.uri + " (" + state + (n.lastError == null ? "" : "; last error at " + n.lastErrorAt + ": "
                    + n.lastError) + ")");
        }
        return String.join(", ", parts);
    }

    private Lease lend(Node n, boolean probe, long waited) {
        n.inFlight++;
        n.attempts++;
        return new Lease(n.uri, probe, n, Duration.ofNanos(waited));
    }

    /**
     * The up endpoint with the fewest requests outstanding and room for one more, not rate-limited
     * (except {@code waitedFor}, whose wait this request just sat out), not avoided; ties in turn.
     */
    private Node leastOutstanding(Set<URI> tried, Set<URI> avoid, boolean untriedOnly, long now, Node waitedFor) {
        Node best = null;
        int size = nodes.size();
        for (int k = 0; k < size; k++) {
            Node n = nodes.get((nextTie + k) % size);
            if (n.health != Health.UP || n.inFlight >= config.endpointConcurrency() || avoid.contains(n.uri)
                    || (rateLimited(n, now) && n != waitedFor) || (untriedOnly && tried.contains(n.uri))) {
                continue;
            }
            if (best == null || n.inFlight < best.inFlight) {
                best = n;
            }
        }
        if (best != null) {
            nextTie = (nodes.indexOf(best) + 1) % size;
        }
        return best;
    }

    private void eject(Node n, String why) {
        Duration coolOff = timing.endpointCoolOff(n.ejectionsInARow++);
        n.health = Health.DOWN;
        n.downUntil = timing.nanos() + coolOff.toNanos();
        n.ejections++;
        String others = nodes.stream().filter(o -> o.health == Health.UP).map(o -> o.uri.toString())
                .collect(Collectors.joining(", "));
        LOG.log(System.Logger.Level.WARNING, () -> "autoj remote backend: endpoint " + n.uri + " is down for "
                + coolOff.toMillis() + " ms, then one request probes it; cause: " + why + "; requests go to "
                + (others.isEmpty() ? "no other endpoint (all are down)" : others));
    }

    private static boolean rateLimited(Node n, long now) {
        return n.busy && n.busyUntil - now > 0;
    }

    /** Sleeps {@code nanos} without holding the lock, so that other requests and releases go on meanwhile. */
    private void sleepUnlocked(long nanos, String what) {
        lock.unlock();
        try {
            timing.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while waiting " + what, e);
        } finally {
            lock.lock();
        }
    }

    private static void noteError(Node n, String description) {
        n.lastError = description;
        n.lastErrorAt = Instant.now();
    }

    private void awaitChange(long nanos) {
        try {
            changed.awaitNanos(Math.max(1, Math.min(nanos, TimeUnit.SECONDS.toNanos(1))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while waiting for a remote judge endpoint", e);
        }
    }

    private Node node(URI endpoint) {
        return nodes.stream().filter(n -> n.uri.equals(endpoint)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(endpoint + " is not a configured endpoint"));
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
