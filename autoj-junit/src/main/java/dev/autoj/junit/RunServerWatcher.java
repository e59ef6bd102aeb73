package dev.autoj.junit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The process that keeps a run's shared judge server from outliving the build: started by the
 * fork that started the server, detached from it, it polls the run's owner (the Maven process)
 * and, once that is gone, stops the server and everything it started (SIGTERM, then SIGKILL after
 * 20 s). It also ends when the server ends. Only JDK classes, so it runs from the autoj-junit jar
 * alone: {@code java -cp autoj-junit.jar dev.autoj.junit.RunServerWatcher OWNER_PID OWNER_START SERVER_PID}.
 */
final class RunServerWatcher {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration GRACE = Duration.ofSeconds(20);

    private RunServerWatcher() {
    }

    /**
     * Watches until the owner or the server is gone.
     *
     * @param args the owner's pid, its start instant (ISO-8601, or empty when unknown), the server's pid
     */
    public static void main(String[] args) throws InterruptedException {
        long owner = Long.parseLong(args[0]);
        Instant ownerStart = args[1].isEmpty() ? null : Instant.parse(args[1]);
        long server = Long.parseLong(args[2]);
        Optional<ProcessHandle> serverHandle = ProcessHandle.of(server);
        if (serverHandle.isEmpty()) {
            return;
        }
        ProcessHandle judge = serverHandle.get();
        while (judge.isAlive()) {
            if (!alive(owner, ownerStart)) {
                System.out.println(Instant.now() + " the run's owner (pid " + owner + ") has ended: stopping the judge server (pid "
                        + server + ")");
                stop(judge);
                return;
            }
            Thread.sleep(POLL.toMillis());
        }
        System.out.println(Instant.now() + " the judge server (pid " + server + ") has ended");
    }

    static boolean alive(long pid, Instant start) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(p -> start == null || p.info().startInstant().map(start::equals).orElse(true)).orElse(false);
    }

    /** The server and its descendants, listed before they are signalled (once it dies they are re-parented). */
    static void stop(ProcessHandle server) throws InterruptedException {
        List<ProcessHandle> tree = Stream.concat(Stream.of(server), server.descendants()).toList();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
