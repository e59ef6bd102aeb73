package dev.autoj.junit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What identifies one test run across the JVMs that Surefire or Failsafe forks for it: the Maven
 * process that started them. Every fork of one {@code mvn} invocation has that process as its
 * nearest Maven ancestor (Surefire starts forks directly or through {@code /bin/sh}); its pid and
 * start instant together name the run, so a later build (a new Maven process, even one given a
 * recycled pid) is another run.
 *
 * <p>{@code autoj.run.id} overrides the detection: {@code auto} (the default) detects, {@code none}
 * makes every JUnit launch its own run (as before runs were joined across forks), any other text is
 * the run id itself, for launchers that are not Maven (Gradle, a CI script starting several JVMs).
 *
 * @param id the run id, written to the run folder
 * @param ownerPid the process whose end ends the run (the Maven JVM), or -1 when unknown
 * @param ownerStart that process's start instant, or null when unknown
 */
record RunId(String id, long ownerPid, Instant ownerStart) {

    /** The setting's value that detects the Maven ancestor. */
    static final String AUTO = "auto";
    /** The setting's value that makes every launch its own run. */
    static final String NONE = "none";

    /** Ancestors looked at: Maven → /bin/sh → fork is two; a wrapper or the invoker plugin adds a few. */
    private static final int MAX_DEPTH = 8;

    /** The owner, when it is known and still alive (same pid, same start). */
    boolean ownerAlive() {
        return ownerPid > 0 && ProcessHandle.of(ownerPid).filter(ProcessHandle::isAlive)
                .map(p -> ownerStart == null || p.info().startInstant().map(ownerStart::equals).orElse(true)).orElse(false);
    }

    /**
     * The run of this JVM under the setting {@code configured} ({@code auto}, {@code none} or an id).
     *
     * @return empty when this launch is a run of its own
     */
    static Optional<RunId> resolve(String configured) {
        String value = configured == null || configured.isBlank() ? AUTO : configured.strip();
        if (value.equalsIgnoreCase(NONE)) {
            return Optional.empty();
        }
        Optional<ProcessHandle> maven = mavenAncestor(ProcessHandle.current());
        if (!value.equalsIgnoreCase(AUTO)) {
            // An explicit id: the owner is the Maven ancestor if any, else this JVM's parent (the launcher).
            ProcessHandle owner = maven.or(() -> ProcessHandle.current().parent()).orElse(null);
            return Optional.of(new RunId(value, owner == null ? -1 : owner.pid(),
                    owner == null ? null : owner.info().startInstant().orElse(null)));
        }
        return maven.map(RunId::of);
    }

    /** The run owned by this Maven process. */
    static RunId of(ProcessHandle maven) {
        Instant start = maven.info().startInstant().orElse(null);
        return new RunId("maven-" + maven.pid() + "-" + (start == null ? "unknown" : start.toEpochMilli()), maven.pid(), start);
    }

    /** The nearest ancestor of {@code process} (not the process itself) that is a Maven JVM. */
    static Optional<ProcessHandle> mavenAncestor(ProcessHandle process) {
        Optional<ProcessHandle> p = process.parent();
        for (int depth = 0; depth < MAX_DEPTH && p.isPresent(); depth++) {
            ProcessHandle candidate = p.get();
            if (isMaven(candidate.info().arguments().map(List::of).orElse(List.of()))) {
                return Optional.of(candidate);
            }
            p = candidate.parent();
        }
        return Optional.empty();
    }

    /**
     * Whether a command line is Maven's JVM: the {@code mvn} script runs plexus-classworlds' launcher
     * (the Maven wrapper and the invoker plugin's forked builds run the same script).
     */
    static boolean isMaven(List<String> arguments) {
        return arguments.stream().anyMatch(a -> a.equals("org.codehaus.plexus.classworlds.launcher.Launcher")
                || a.startsWith("-Dclassworlds.conf="));
    }
}
