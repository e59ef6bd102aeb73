package dev.autoj.junit;

import dev.autoj.engine.report.RunSummaries;
import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.report.SummaryFormatException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The folder where the JVMs of one run (the forks of one Maven test phase, see {@link RunId}) meet:
 * {@code <autoj.summary.dir>/run/}. Layout:
 *
 * <pre>
 * run/lock                    held (file lock) while a JVM reads or changes the folder
 * run/run.properties          id = the run id; owner.pid, owner.start = the Maven process
 * run/parts/&lt;t&gt;-&lt;pid&gt;-&lt;n&gt;.json  one run summary (autoj-summary/1) per JUnit launch, t = when it ended
 * run/server.properties       the run's judge server (managed, or the embedded engine served): endpoint, pid, watcher pid, started.by
 * run/clients/&lt;pid&gt;            one per test JVM that judges through it (its start instant inside); the watcher's idle stop reads them
 * run/conformance.properties  the run's conformance check: result (passed, warned, failed), message
 * </pre>
 *
 * A JVM that finds another run's id in {@code run.properties} clears the parts, server and
 * conformance files of that older run before it writes its own.
 */
final class RunFolder {

    /** One lock per JVM in front of the file lock: a file lock is held per JVM, not per thread. */
    private static final ReentrantLock JVM_LOCK = new ReentrantLock();
    private static final AtomicInteger LAUNCHES = new AtomicInteger();

    private final Path dir;
    private final RunId run;

    private RunFolder(Path dir, RunId run) {
        this.dir = dir;
        this.run = run;
    }

    /** The folder of {@code run} under {@code summaryDir}, claimed for it (an older run's files are cleared). */
    static RunFolder open(Path summaryDir, RunId run) throws IOException {
        RunFolder folder = new RunFolder(summaryDir.resolve("run"), run);
        Files.createDirectories(folder.dir.resolve("parts"));
        folder.locked(() -> {
            Properties current = folder.read("run.properties");
            if (!run.id().equals(current.getProperty("id"))) {
                folder.clear();
                Properties p = new Properties();
                p.setProperty("id", run.id());
                p.setProperty("owner.pid", Long.toString(run.ownerPid()));
                p.setProperty("owner.start", run.ownerStart() == null ? "" : run.ownerStart().toString());
                folder.write("run.properties", p);
            }
            return null;
        });
        return folder;
    }

    Path dir() {
        return dir;
    }

    RunId run() {
        return run;
    }

    /** Something done under the run's lock. */
    interface Locked<T> {
        T run() throws IOException;
    }

    /** Runs {@code action} holding this JVM's lock and the folder's file lock. */
    <T> T locked(Locked<T> action) throws IOException {
        JVM_LOCK.lock();
        try {
            return RunLock.holding(dir.resolve("lock"), action::run);
        } finally {
            JVM_LOCK.unlock();
        }
    }

    /** Writes this launch's part of the run summary; named so that parts sort by when their launch ended. */
    Path writePart(RunSummary part) throws IOException {
        String name = String.format("%013d-%d-%d.json", System.currentTimeMillis(), ProcessHandle.current().pid(),
                LAUNCHES.incrementAndGet());
        Path file = dir.resolve("parts").resolve(name);
        SummaryWriter.writeAtomically(file, part.toJson() + "\n");
        return file;
    }

    /**
     * Every part of the run merged, the later part's entry winning when a test appears twice (run
     * again in the same build). A part that cannot be read is left out with a warning.
     */
    RunSummary merged(List<String> warnings) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir.resolve("parts"))) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".json") && !f.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
        List<RunSummary> parts = new ArrayList<>();
        for (Path f : files) {
            try {
                parts.add(RunSummary.read(f));
            } catch (SummaryFormatException e) {
                warnings.add("autoj: left out the unreadable run summary part " + f + ": " + e.getMessage());
            }
        }
        return RunSummaries.merge(parts, RunSummaries.Duplicates.LATER_WINS);
    }

    /** A properties file of the folder, empty when missing. */
    Properties read(String name) throws IOException {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(dir.resolve(name), StandardCharsets.UTF_8)));
        } catch (NoSuchFileException missing) {
            // empty
        }
        return p;
    }

    /** Writes a properties file of the folder atomically. */
    void write(String name, Properties p) throws IOException {
        StringWriter text = new StringWriter();
        p.store(text, "autoj run " + run.id());
        SummaryWriter.writeAtomically(dir.resolve(name), text.toString());
    }

    /** Removes a file of the folder. */
    void delete(String name) throws IOException {
        Files.deleteIfExists(dir.resolve(name));
    }

    /** What an older run left: its parts, its server's and conformance check's files. */
    private void clear() throws IOException {
        try (Stream<Path> list = Files.list(dir.resolve("parts"))) {
            for (Path f : list.toList()) {
                Files.deleteIfExists(f);
            }
        }
        delete("server.properties");
        delete("conformance.properties");
        delete("starts.log");
        Path clients = dir.resolve(RunLock.CLIENTS);
        if (Files.isDirectory(clients)) {
            try (Stream<Path> list = Files.list(clients)) {
                for (Path f : list.toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Notes that this JVM judges through the run's server (so that the watcher does not stop it as idle). */
    void registerClient() throws IOException {
        ProcessHandle self = ProcessHandle.current();
        Path clients = dir.resolve(RunLock.CLIENTS);
        Files.createDirectories(clients);
        SummaryWriter.writeAtomically(clients.resolve(Long.toString(self.pid())),
                self.info().startInstant().map(Object::toString).orElse("") + "\n");
    }

    /** An unchecked form, for callers that report every failure the same way. */
    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e.getMessage(), e);
    }
}
