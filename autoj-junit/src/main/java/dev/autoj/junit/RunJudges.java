package dev.autoj.junit;

import dev.autoj.engine.Judge;
import dev.autoj.engine.JudgeSpec;
import dev.autoj.engine.Setting;
import dev.autoj.engine.conformance.ConformanceException;
import dev.autoj.engine.conformance.ConformanceMode;
import dev.autoj.engine.backend.EmbeddedRuntime;
import dev.autoj.engine.server.ManagedServer;
import dev.autoj.engine.server.ServerConfig;
import dev.autoj.engine.server.ServerStartException;
import dev.autoj.engine.store.StoreMode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Opens a fork's judge as part of its run (see {@link RunFolder}): under the run's lock, so forks
 * that need a judge at the same moment wait for the first.
 *
 * <ul>
 * <li>With {@code autoj.server.command} (and no {@code autoj.endpoints}), the first fork starts the
 *     server, detaches it so that it outlives the fork, and hands it to a {@link RunServerWatcher}
 *     that stops it when the Maven process ends (or when no test JVM has used it for
 *     {@code autoj.server.idle-timeout}); the server's endpoint goes to {@code server.properties}, and
 *     every fork (the first too) judges through it as a remote endpoint, watching its process
 *     ({@link ManagedServer#adopt}: its exit fails the requests at once with its log tail).</li>
 * <li>With the embedded engine ({@code autoj.backend=onnx}), the same: the server is the engine served over
 *     loopback HTTP ({@code dev.autoj.onnx.server.EngineServer}, the command from the
 *     {@link EmbeddedRuntime#serverLaunch} of autoj-onnx, on this JVM's class path), so the run loads the
 *     model once, whatever the forks.</li>
 * <li>The conformance check runs in the first fork that opens a live or recording judge; its result
 *     goes to {@code conformance.properties}, and later forks skip the check (or fail with the first
 *     fork's report when it failed).</li>
 * </ul>
 */
final class RunJudges {

    private static final System.Logger LOG = System.getLogger(RunJudges.class.getName());

    private RunJudges() {
    }

    /** The judge of this fork, opened through {@code factory} with the run's shared server and conformance result. */
    static Judge open(RunFolder folder, Settings settings, JudgeFactory factory) throws IOException {
        JudgeSpec spec = settings.judge();
        if (spec.mode() == StoreMode.REPLAY) {
            // Replay needs no back end and runs no conformance check.
            return factory.create(settings);
        }
        Optional<ServerConfig> engine = spec.backend() == JudgeSpec.BackendKind.ONNX ? engineServer(settings) : Optional.empty();
        return folder.locked(() -> {
            JudgeSpec.Builder shared = spec.toBuilder();
            ServerConfig server = engine.orElse(spec.endpoints().isEmpty() ? spec.server() : null);
            if (server != null) {
                try {
                    runServer(folder, server, settings.serverIdleTimeout());
                } catch (ServerStartException e) {
                    if (engine.isEmpty()) {
                        throw e;
                    }
                    throw new ExtensionConfigurationException(spec.naming().name(Setting.MODEL_PATH) + " = " + spec.modelPath()
                            + ": the embedded engine cannot load this model: it is served to this build's test JVMs from a JVM"
                            + " of its own, which did not start. " + e.getMessage() + System.lineSeparator() + "Point "
                            + spec.naming().name(Setting.MODEL_PATH) + " at a LLaMA-family Hugging Face folder (config.json,"
                            + " tokenizer.json, *.safetensors) or an Optimum / onnxruntime-genai ONNX export.", e);
                }
                folder.registerClient();
                // Judged through the run's server, as a remote endpoint: the server is adopted, never started here.
                shared.server(server).endpoints(List.of());
                engine.ifPresent(e -> shared.backend(JudgeSpec.BackendKind.REMOTE).modelName(e.modelName()));
            }
            Properties conformance = folder.read("conformance.properties");
            boolean checked = spec.conformance() != ConformanceMode.OFF;
            String result = conformance.getProperty("result");
            if (checked && result != null) {
                if (result.equals("failed")) {
                    throw new ExtensionConfigurationException("The judge failed the conformance check, run once for this build"
                            + " by the test JVM pid " + conformance.getProperty("checked.by") + ": "
                            + conformance.getProperty("message"));
                }
                LOG.log(System.Logger.Level.INFO, "autoj: the conformance check already ran for this build (test JVM pid "
                        + conformance.getProperty("checked.by") + ", " + result + "); not run again");
                shared.conformance(ConformanceMode.OFF);
            }
            Settings forFork = settings.withJudge(shared.build());
            Judge judge;
            try {
                judge = factory.create(forFork);
            } catch (ConformanceException e) {
                if (checked && result == null) {
                    record(folder, "failed", e.getMessage());
                }
                throw e;
            }
            if (checked && result == null) {
                record(folder, spec.conformance() == ConformanceMode.STRICT ? "passed" : "checked (autoj.conformance=warn)", "");
            }
            return judge;
        });
    }

    private static void record(RunFolder folder, String result, String message) throws IOException {
        Properties p = new Properties();
        p.setProperty("result", result);
        p.setProperty("message", message == null ? "" : message);
        p.setProperty("checked.by", Long.toString(ProcessHandle.current().pid()));
        folder.write("conformance.properties", p);
    }

    /**
     * The embedded engine served for the run: its command from the embedded runtime on the class path (none: the
     * fork opens the engine in process, and that reports the missing dependency), its log beside the summary.
     */
    private static Optional<ServerConfig> engineServer(Settings settings) {
        JudgeSpec spec = settings.judge();
        Optional<EmbeddedRuntime> runtime = EmbeddedRuntime.find();
        if (runtime.isEmpty()) {
            return Optional.empty();
        }
        String id = spec.modelNameGiven() ? spec.modelName()
                : spec.modelPath().toAbsolutePath().normalize().getFileName().toString();
        return runtime.get().serverLaunch(new EmbeddedRuntime.Model(spec.modelPath(), spec.dtype(), spec.device(),
                        spec.backendBudget(), spec.cacheDir()), id)
                .map(launch -> new ServerConfig(ServerConfig.commandLine(launch.arguments()), id, settings.serverStartupTimeout(),
                        launch.environment(), null, settings.summaryDir().resolve("engine-server.log")));
    }

    /**
     * The run's server: the one a fork already started while it still runs, else one started now; adopted by
     * this JVM ({@link ManagedServer#adopt}) either way.
     */
    private static void runServer(RunFolder folder, ServerConfig config, Duration idle) throws IOException {
        Properties known = folder.read("server.properties");
        String pid = known.getProperty("pid");
        if (pid != null && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                URI endpoint = new URI(known.getProperty("endpoint"));
                LOG.log(System.Logger.Level.INFO, "autoj: judging through this build's judge server (pid " + pid + ") on "
                        + endpoint + ", started by the test JVM pid " + known.getProperty("started.by"));
                ManagedServer.adopt(config, Long.parseLong(pid), endpoint, "the test JVM pid " + known.getProperty("started.by"));
                return;
            } catch (URISyntaxException | NullPointerException e) {
                LOG.log(System.Logger.Level.WARNING, "autoj: " + folder.dir().resolve("server.properties")
                        + " names no endpoint; starting the judge server again");
            }
        }
        RunId run = folder.run();
        if (!run.ownerAlive()) {
            throw new IOException("the build's process (pid " + run.ownerPid() + ") that would stop a shared judge server is"
                    + " not known or not running");
        }
        ManagedServer server = ManagedServer.start(config);
        long watcher;
        try {
            watcher = watch(folder, run, server.pid(), idle);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        long serverPid = server.detach();
        Properties p = new Properties();
        p.setProperty("endpoint", server.endpoint().toString());
        p.setProperty("pid", Long.toString(serverPid));
        p.setProperty("watcher.pid", Long.toString(watcher));
        p.setProperty("started.by", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("command", config.command());
        p.setProperty("log", config.logFile().toAbsolutePath().toString());
        folder.write("server.properties", p);
        appendStart(folder, serverPid, config);
        LOG.log(System.Logger.Level.INFO, "autoj: started this build's judge server (pid " + serverPid + ") on "
                + server.endpoint() + " for every test JVM of the build; it stops when the build's process (pid "
                + run.ownerPid() + ") ends, or when no test JVM has used it for " + idle + " (autoj.server.idle-timeout)");
        ManagedServer.adopt(config, serverPid, server.endpoint(), "this test JVM (pid " + ProcessHandle.current().pid() + ")");
    }

    /** One line per server start in {@code run/starts.log}: when, its pid, the test JVM that started it, its model. */
    private static void appendStart(RunFolder folder, long serverPid, ServerConfig config) throws IOException {
        java.nio.file.Files.writeString(folder.dir().resolve("starts.log"), java.time.Instant.now() + " pid " + serverPid
                + " started by the test JVM pid " + ProcessHandle.current().pid() + " serving " + config.modelName()
                + System.lineSeparator(), java.nio.charset.StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** Starts the watcher process, detached from this JVM like the server; its output goes to {@code run/watcher.log}. */
    private static long watch(RunFolder folder, RunId run, long serverPid, Duration idle) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classes;
        try {
            classes = Path.of(RunServerWatcher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IOException("cannot find the autoj-junit classes to run the server watcher from: " + e, e);
        }
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx32m", "-XX:+UseSerialGC", "-cp", classes,
                RunServerWatcher.class.getName(), Long.toString(run.ownerPid()),
                run.ownerStart() == null ? "" : run.ownerStart().toString(), Long.toString(serverPid),
                folder.dir().toAbsolutePath().toString(), Long.toString(idle.toMillis()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(folder.dir().resolve("watcher.log").toFile()));
        Process process = builder.start();
        process.getOutputStream().close();
        return process.pid();
    }
}
