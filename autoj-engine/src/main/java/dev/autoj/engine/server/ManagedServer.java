package dev.autoj.engine.server;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.remote.RemoteBackend;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A judge server process that autoj starts and stops itself, e.g. {@code vllm serve GAIR/autoj-13b
 * --port {port}}: started on a free loopback port, waited for until it serves the model, and stopped
 * with every process it started, at {@link #close()} or, failing that, when the JVM shuts down.
 *
 * <pre>{@code
 * try (ManagedServer server = ManagedServer.start(ServerConfig.of("vllm serve GAIR/autoj-13b --port {port}", "GAIR/autoj-13b"));
 *      RemoteBackend backend = new RemoteBackend(RemoteConfig.builder().endpoints(List.of(server.endpoint())).build())) {
 *     backend.generate(requests);
 * }
 * }</pre>
 *
 * <p>Most callers want {@link #backend}, which starts the server only when the first prompt needs it,
 * and not at all when the configured endpoints already serve the model.
 *
 * <p>The server's stdout and stderr go to {@link ServerConfig#logFile()}. A server that exits, or
 * is not ready within {@link ServerConfig#startupTimeout()}, fails {@link #start} with a
 * {@link ServerStartException} holding the exit code, the command as run and the last
 * {@value #LOG_TAIL_LINES} lines of its log. A JVM killed with SIGKILL runs no shutdown hooks: only then
 * can the server outlive it.
 *
 * <p>Once ready, the server is watched: if it exits without being stopped (out of memory, a crash, killed),
 * a warning says so at once with its exit code, and {@link #backend} fails the requests in flight and every
 * later one with the exit code, the command and the end of its log, instead of waiting out their timeouts.
 * It is not restarted: loading a model takes minutes, and what made it exit (memory, a prompt, the
 * machine) usually makes it exit again; the run fails, and the log says why.
 *
 * <p>A server another JVM started and left running ({@link #detach()}), e.g. the one server of a test run
 * shared by its forked JVMs, is {@linkplain #adopt adopted}: this JVM then judges through it, watches it the
 * same way, and never stops it.
 */
public final class ManagedServer implements AutoCloseable {

    /** How much of the log a failure shows. */
    public static final int LOG_TAIL_LINES = 40;

    private static final System.Logger LOG = System.getLogger(ManagedServer.class.getName());
    // vLLM frees GPU memory and stops its engine workers within a few seconds of SIGTERM.
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final long LOG_TAIL_BYTES = 256 * 1024;

    /** Servers other JVMs started for this JVM's configurations; see {@link #adopt}. */
    private static final Map<ServerConfig, Adopted> ADOPTED = new ConcurrentHashMap<>();

    private record Adopted(long pid, URI endpoint, String startedBy) {
    }

    private final ServerConfig config;
    private final List<String> commandAsRun;
    /** The process when this JVM started it; null when adopted (its exit code is then not known here). */
    private final Process process;
    private final ProcessHandle handle;
    private final URI endpoint;
    private final Thread shutdownHook;
    /** Who started an adopted server, for messages; null when this JVM did. */
    private final String startedBy;
    /** Completes when the process exits once ready: with the report if it exited while in use, else empty. */
    private volatile CompletableFuture<Optional<String>> exit = new CompletableFuture<>();
    private boolean stopped;
    /** Set before the process is asked to stop, so that its exit is not taken for a crash. */
    private volatile boolean stopping;

    private ManagedServer(ServerConfig config, List<String> commandAsRun, Process process, URI endpoint) {
        this.config = config;
        this.commandAsRun = commandAsRun;
        this.process = process;
        this.handle = process.toHandle();
        this.endpoint = endpoint;
        this.startedBy = null;
        // Nothing may be left running, even when the caller never gets to close(): a failed build, Ctrl-C, System.exit.
        this.shutdownHook = new Thread(this::stop, "autoj-server-stop-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** An adopted server: watched, never stopped from here. */
    private ManagedServer(ServerConfig config, ProcessHandle handle, URI endpoint, String startedBy) {
        this.config = config;
        this.commandAsRun = CommandSplitter.split(config.command());
        this.process = null;
        this.handle = handle;
        this.endpoint = endpoint;
        this.startedBy = startedBy;
        this.shutdownHook = null;
        this.stopped = true;
    }

    /**
     * Declares that the server for {@code config} already runs, started by another JVM ({@code startedBy},
     * e.g. {@code "the test JVM pid 4242"}) as process {@code pid} on {@code endpoint}: from now on
     * {@link #start}{@code (config)} and {@link #backend} in this JVM start nothing and use that process,
     * watched as their own (its exit fails the requests at once, with its command and log tail), and
     * closing them leaves it running. The JUnit extension adopts the one server of a test run in every
     * forked JVM.
     *
     * <pre>{@code
     * ManagedServer.adopt(config, 4711, URI.create("http://127.0.0.1:41234"), "the test JVM pid 4242");
     * Backend judge = ManagedServer.backend(config, List.of(), remote);   // judges through pid 4711
     * }</pre>
     */
    public static void adopt(ServerConfig config, long pid, URI endpoint, String startedBy) {
        ADOPTED.put(Objects.requireNonNull(config, "config"), new Adopted(pid, Objects.requireNonNull(endpoint, "endpoint"),
                Objects.requireNonNull(startedBy, "startedBy")));
    }

    private static ManagedServer adopted(ServerConfig config, Adopted adopted) {
        Optional<ProcessHandle> handle = ProcessHandle.of(adopted.pid()).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            throw new ServerStartException("The judge server (pid " + adopted.pid() + " on " + adopted.endpoint() + ", started by "
                    + adopted.startedBy() + ") is no longer running, so this JVM cannot judge through it." + System.lineSeparator()
                    + "Command: " + CommandSplitter.display(CommandSplitter.split(config.command())) + System.lineSeparator()
                    + "Last " + LOG_TAIL_LINES + " lines of " + config.logFile().toAbsolutePath() + ":" + System.lineSeparator()
                    + logTail(config.logFile()) + System.lineSeparator()
                    + "Read its log to see why it stopped, fix that, and run again.");
        }
        ManagedServer server = new ManagedServer(config, handle.get(), adopted.endpoint(), adopted.startedBy());
        LOG.log(System.Logger.Level.INFO, "Judging through the judge server (pid " + adopted.pid() + ") on " + adopted.endpoint()
                + ", started by " + adopted.startedBy() + "; watching it");
        server.watch();
        return server;
    }

    /**
     * Starts the server and waits until it is ready: {@code GET /v1/models} lists
     * {@link ServerConfig#modelName()}, or {@code GET /health} answers 200.
     *
     * @throws ServerStartException when it cannot be run, exits, or is not ready in time; nothing is left running then
     */
    public static ManagedServer start(ServerConfig config) {
        Objects.requireNonNull(config, "config");
        Adopted adopted = ADOPTED.get(config);
        if (adopted != null) {
            return adopted(config, adopted);
        }
        int port = freeLoopbackPort();
        List<String> arguments = config.arguments(port);
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Path log = config.logFile().toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(arguments)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().putAll(config.environment());
        if (config.directory() != null) {
            builder.directory(config.directory().toFile());
        }
        Process process;
        try {
            Files.createDirectories(log.getParent());
            process = builder.start();
            // A server reads no input; end-of-file at once rather than a pipe that never delivers anything.
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new ServerStartException("Could not run the judge server command " + CommandSplitter.display(arguments)
                    + (config.directory() == null ? "" : " in " + config.directory().toAbsolutePath()) + ": " + e.getMessage()
                    + ". Check that the program is installed and on the PATH of this JVM (the command is run directly,"
                    + " not by a shell: write sh -c '…' to use one), and that the working folder exists.", e);
        }
        ManagedServer server = new ManagedServer(config, arguments, process, endpoint);
        LOG.log(System.Logger.Level.INFO, "Started the judge server (pid " + process.pid() + ") on " + endpoint + ": "
                + CommandSplitter.display(arguments) + "; its output goes to " + log + "; waiting up to "
                + config.startupTimeout() + " for it to serve " + config.modelName());
        try {
            server.awaitReady(new Readiness());
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        server.watch();
        return server;
    }

    /**
     * A back end for {@code config.modelName()} that needs no server until its first {@code generate}:
     * then, when one of {@code endpoints} already lists the model at {@code /v1/models} (a developer's
     * long-running server), it uses them and starts nothing; otherwise it starts the server and uses it,
     * beside those of {@code endpoints} that did not answer (they may come up later). Closing the back
     * end stops the server. If the server cannot start, the first call fails with the full report and
     * later calls fail at once, without starting it again.
     *
     * <pre>{@code
     * Backend judge = ManagedServer.backend(config, List.of(URI.create("http://localhost:8000")),
     *         uris -> new RemoteBackend(RemoteConfig.builder().endpoints(uris).modelName(config.modelName()).build()));
     * }</pre>
     *
     * @param endpoints configured servers that may already serve the model; may be empty
     * @param remote builds the client for the chosen endpoints (it must serve {@code config.modelName()})
     */
    public static Backend backend(ServerConfig config, List<URI> endpoints, Function<List<URI>, RemoteBackend> remote) {
        return new ServerBackend(config, endpoints, remote, ManagedServer::start);
    }

    /** The base URL the server listens on, {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The command line as run, for messages. */
    String commandAsRun() {
        return CommandSplitter.display(commandAsRun);
    }

    /** The process id of the server command. */
    public long pid() {
        return handle.pid();
    }

    /**
     * Stops the server and every process it started: asks them to end (SIGTERM), waits up to
     * 20 s, then kills what is left. Idempotent.
     */
    @Override
    public void close() {
        stop();
        if (shutdownHook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it finds the server stopped.
        }
    }

    /**
     * Lets the server outlive this JVM: no shutdown hook stops it any more, and {@link #close()} does
     * nothing. Whoever detaches it takes over stopping it (the JUnit extension hands it to a watcher
     * process that stops it when the build ends).
     *
     * @return the server's process id
     */
    public synchronized long detach() {
        stopping = true;
        stopped = true;
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it finds the server already handed over.
            }
        }
        return handle.pid();
    }

    /**
     * Completes when the server's process exits: with the full report (exit code, command, log tail)
     * when it exited while in use, empty when it was stopped by {@link #close()}.
     */
    CompletableFuture<Optional<String>> exit() {
        return exit;
    }

    private void watch() {
        long readyAt = System.nanoTime();
        exit = handle.onExit().thenApply(exited -> {
            if (stopping) {
                return Optional.empty();
            }
            String report = report("exited with code " + exitCode() + " while in use, " + seconds(readyAt)
                    + (startedBy == null ? " s after it became ready" : " s after this JVM began to use it")
                    + "; requests to it fail from now on (it is not restarted)",
                    "Read the log above, or run the command by hand, to see why it stopped (a model server that runs"
                    + " out of memory, GPU or host, is the usual cause), fix that, and run again.");
            LOG.log(System.Logger.Level.WARNING, "The judge server (pid " + handle.pid() + ") on " + endpoint
                    + " exited with code " + exitCode() + " while in use; requests to it fail from now on. Its log: "
                    + config.logFile().toAbsolutePath());
            return Optional.of(report);
        });
    }

    /** The exit code, with what it means when it says the process was killed by a signal (128 + n on Unix). */
    private String exitCode() {
        if (process == null) {
            return "unknown here (pid " + handle.pid() + ", started by " + startedBy + ": only that JVM can read its exit code)";
        }
        int code = process.exitValue();
        if (code <= 128 || code > 128 + 64 || System.getProperty("os.name", "").startsWith("Windows")) {
            return Integer.toString(code);
        }
        int signal = code - 128;
        return code + " (128 + " + signal + switch (signal) {
            case 9 -> ": killed with SIGKILL, e.g. by the kernel's out-of-memory killer or by hand)";
            case 15 -> ": ended with SIGTERM from outside autoj)";
            case 6 -> ": aborted (SIGABRT), e.g. a failed CUDA or library assertion)";
            case 11 -> ": crashed with a segmentation fault (SIGSEGV))";
            default -> ": ended by signal " + signal + ")";
        };
    }

    private synchronized void stop() {
        stopping = true;
        if (stopped) {
            return;
        }
        stopped = true;
        // Children first listed, then signalled: once the server dies its children are re-parented and no longer its descendants.
        List<ProcessHandle> tree = Stream.concat(Stream.of(handle), handle.descendants()).toList();
        tree.forEach(ProcessHandle::destroy);
        List<ProcessHandle> left = awaitExit(tree, STOP_GRACE);
        if (!left.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "The judge server did not stop within " + STOP_GRACE + " of SIGTERM;"
                    + " killing pids " + left.stream().map(p -> Long.toString(p.pid())).toList());
            left.forEach(ProcessHandle::destroyForcibly);
            left = awaitExit(left, KILL_WAIT);
            if (!left.isEmpty()) {
                LOG.log(System.Logger.Level.ERROR, "Could not kill judge server processes "
                        + left.stream().map(p -> Long.toString(p.pid())).toList() + " (" + CommandSplitter.display(commandAsRun)
                        + "); end them by hand.");
            }
        }
    }

    /** Waits for each process, within one shared deadline; answers those still alive. */
    private static List<ProcessHandle> awaitExit(List<ProcessHandle> processes, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        List<ProcessHandle> alive = new ArrayList<>();
        for (ProcessHandle p : processes) {
            long remaining = deadline - System.nanoTime();
            try {
                p.onExit().get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                alive.add(p);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                alive.add(p);
            } catch (ExecutionException e) {
                // onExit never completes exceptionally; nothing to wait for
            }
        }
        alive.removeIf(p -> !p.isAlive());
        return alive;
    }

    private void awaitReady(Readiness readiness) {
        long started = System.nanoTime();
        long deadline = started + config.startupTimeout().toNanos();
        long pause = 100;
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw failure("exited with code " + process.exitValue() + " after " + seconds(started)
                            + " s, before serving " + config.modelName(),
                            "Run the command by hand to see why it stops, and fix it in the server command setting.");
                }
                Readiness.Look look = readiness.look(endpoint, config.modelName());
                if (look.ready()) {
                    if (!look.models().isEmpty() && !look.models().contains(config.modelName())) {
                        // llama-server lists the model file unless given --alias; it ignores the name in requests.
                        LOG.log(System.Logger.Level.WARNING, "The judge server on " + endpoint + " answers /health but lists"
                                + " the models " + look.models() + ", not " + config.modelName() + "; requests name "
                                + config.modelName() + " and may be refused (vLLM: --served-model-name, llama-server: --alias).");
                    }
                    LOG.log(System.Logger.Level.INFO, "The judge server on " + endpoint + " is ready after " + seconds(started) + " s");
                    return;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw failure("did not become ready within " + config.startupTimeout() + " (it is still running, "
                            + (look.models().isEmpty() ? "and " + endpoint + "/v1/models does not list any model"
                                    : "listing " + look.models() + " but not " + config.modelName()) + ")",
                            "Raise the startup timeout if the model is still loading (see the log), make the server listen on"
                            + " {port} on 127.0.0.1, and make it serve the model under the name " + config.modelName() + ".");
                }
                // waitFor returns at once when the process exits, so an early exit is reported without delay.
                process.waitFor(Math.min(pause, TimeUnit.NANOSECONDS.toMillis(remaining) + 1), TimeUnit.MILLISECONDS);
                pause = Math.min(pause * 2, 1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerStartException("Interrupted while waiting for the judge server " + CommandSplitter.display(commandAsRun)
                    + " to become ready; it has been stopped.", e);
        }
    }

    private ServerStartException failure(String what, String whatToDo) {
        return new ServerStartException(report(what, whatToDo));
    }

    /** "The judge server {what}.", the command as run, the last lines of its log, and what to do. */
    private String report(String what, String whatToDo) {
        return "The judge server " + what + "." + System.lineSeparator()
                + "Command as run: " + CommandSplitter.display(commandAsRun)
                + (config.directory() == null ? "" : " (in " + config.directory().toAbsolutePath() + ")") + System.lineSeparator()
                + "Last " + LOG_TAIL_LINES + " lines of " + config.logFile().toAbsolutePath() + ":" + System.lineSeparator()
                + logTail(config.logFile()) + System.lineSeparator()
                + whatToDo;
    }

    /** The last lines of a server log for a report, or what stands in for them. */
    private static String logTail(Path logFile) {
        try {
            String tail = String.join(System.lineSeparator(), tail(logFile.toAbsolutePath(), LOG_TAIL_LINES));
            return tail.isEmpty() ? "(the log is empty)" : tail;
        } catch (UncheckedIOException e) {
            return "(the log cannot be read: " + e.getCause().getMessage() + ")";
        }
    }

    /** The last {@code lines} lines of a file, reading at most its last 256 KiB (a server may log for many minutes). */
    static List<String> tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - LOG_TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            if (from > 0 && !all.isEmpty()) {
                all = all.subList(1, all.size()); // the first line was cut
            }
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String seconds(long sinceNanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - sinceNanos) / 1e9);
    }

    /** A port nothing listens on now; the server binds it a moment later (a race another process could win, rarely). */
    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new ServerStartException("Could not find a free loopback port for the judge server: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ManagedServer[pid=" + handle.pid() + ", endpoint=" + endpoint + ", command=" + CommandSplitter.display(commandAsRun) + "]";
    }
}
