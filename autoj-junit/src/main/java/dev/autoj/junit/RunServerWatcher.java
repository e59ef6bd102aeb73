package dev.autoj.junit;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The process that keeps a run's shared judge server (a managed server, or the embedded engine
 * served for the forks) from outliving the build: started by the fork that started the server,
 * detached from it, it polls the run's owner (the Maven process) and, once that is gone, stops the
 * server and everything it started (SIGTERM, then SIGKILL after 20 s). It also ends when the server ends.
 *
 * <p>The idle stop: when no test JVM that judges through the server (the run folder's
 * {@code clients/}) has been alive for the idle time, it removes {@code server.properties} and stops
 * the server, both under the run folder's lock, so a fork either finds the server before (and is
 * counted as a client, which keeps it) or finds no server and starts a new one.
 *
 * <p>Only JDK classes, so it runs from the autoj-junit jar alone: {@code java -cp autoj-junit.jar
 * dev.autoj.junit.RunServerWatcher OWNER_PID OWNER_START SERVER_PID RUN_DIR IDLE_MILLIS}.
 */
final class RunServerWatcher {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration GRACE = Duration.ofSeconds(20);

    private RunServerWatcher() {
    }

    /**
     * Watches until the owner or the server is gone, or the server is idle.
     *
     * @param args the owner's pid, its start instant (ISO-8601, or empty when unknown), the server's pid, the run
     *     folder, and the idle time in milliseconds
     */
    public static void main(String[] args) throws InterruptedException, IOException {
        long owner = Long.parseLong(args[0]);
        Instant ownerStart = args[1].isEmpty() ? null : Instant.parse(args[1]);
        long server = Long.parseLong(args[2]);
        Path run = Path.of(args[3]);
        Duration idle = Duration.ofMillis(Long.parseLong(args[4]));
        Optional<ProcessHandle> serverHandle = ProcessHandle.of(server);
        if (serverHandle.isEmpty()) {
            return;
        }
        ProcessHandle judge = serverHandle.get();
        long lastUsed = System.nanoTime();
        while (judge.isAlive()) {
            if (!alive(owner, ownerStart)) {
                say("the run's owner (pid " + owner + ") has ended: stopping the judge server (pid " + server + ")");
                stop(judge);
                return;
            }
            if (anyClientAlive(run)) {
                lastUsed = System.nanoTime();
            } else if (System.nanoTime() - lastUsed >= idle.toNanos() && stopIfIdle(run, judge, idle)) {
                return;
            }
            Thread.sleep(POLL.toMillis());
        }
        say("the judge server (pid " + server + ") has ended");
    }

    /** Under the run's lock: no client came meanwhile, so the server is taken out of the run folder and stopped. */
    static boolean stopIfIdle(Path run, ProcessHandle judge, Duration idle) throws IOException {
        return RunLock.holding(run.resolve("lock"), () -> {
            if (anyClientAlive(run)) {
                return false;
            }
            Path file = run.resolve("server.properties");
            Properties server = new Properties();
            try {
                server.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            } catch (NoSuchFileException gone) {
                // nothing names it any more
            }
            if (Long.toString(judge.pid()).equals(server.getProperty("pid"))) {
                Files.delete(file);
            }
            say("no test JVM of the run has used the judge server (pid " + judge.pid() + ") for " + idle
                    + " (autoj.server.idle-timeout): stopping it; a test JVM that needs a judge later starts a new one");
            try {
                stop(judge);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        });
    }

    /** Whether a test JVM registered in {@code run/clients/} (file name its pid, content its start instant) still runs. */
    static boolean anyClientAlive(Path run) throws IOException {
        Path clients = run.resolve(RunLock.CLIENTS);
        if (!Files.isDirectory(clients)) {
            return false;
        }
        try (Stream<Path> list = Files.list(clients)) {
            for (Path client : list.toList()) {
                String name = client.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || name.isEmpty()) {
                    continue;
                }
                String start;
                try {
                    start = Files.readString(client, StandardCharsets.UTF_8).strip();
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (alive(Long.parseLong(name), start.isEmpty() ? null : Instant.parse(start))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void say(String what) {
        System.out.println(Instant.now() + " " + what);
        System.out.flush();
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
