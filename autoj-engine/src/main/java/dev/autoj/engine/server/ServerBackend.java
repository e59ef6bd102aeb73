package dev.autoj.engine.server;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.remote.RemoteBackend;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@link ManagedServer#backend}: the remote client, over a server started on the first prompt that needs one.
 *
 * <p>A started server that exits while in use closes the client at once, so that requests in flight end
 * now rather than at their timeout; they and every later request fail with a {@link ServerStartException}:
 * the first with the full report (exit code, command, log tail), the later ones with a short message
 * whose cause is that report ({@link ServerStartException#alreadyReported()}).
 */
final class ServerBackend implements Backend {

    private static final System.Logger LOG = System.getLogger(ManagedServer.class.getName());

    private final ServerConfig config;
    private final List<URI> endpoints;
    private final Function<List<URI>, RemoteBackend> remote;
    private final Function<ServerConfig, ManagedServer> starter;
    private final Object lock = new Object();
    private volatile Backend delegate;
    private ManagedServer server;
    private ServerStartException startFailure;
    /** The started server's report when it exited while in use; null while it runs. */
    private String exitReport;
    /** The first failure that carried {@link #exitReport} in full. */
    private ServerStartException exitFailure;
    private boolean closed;

    ServerBackend(ServerConfig config, List<URI> endpoints, Function<List<URI>, RemoteBackend> remote,
                  Function<ServerConfig, ManagedServer> starter) {
        this.config = config;
        this.endpoints = List.copyOf(endpoints);
        this.remote = remote;
        this.starter = starter;
    }

    @Override
    public String name() {
        return "remote";
    }

    @Override
    public String modelId() {
        return config.modelName();
    }

    /** The server is reached through the remote back end, which passes sampling on. */
    @Override
    public boolean samples() {
        return true;
    }

    @Override
    public List<Generation> generate(List<GenerationRequest> requests) {
        Backend backend = ready();
        try {
            return backend.generate(requests);
        } catch (ServerStartException e) {
            throw e;
        } catch (BackendException e) {
            // Closed under it, or its server gone: the exit is the cause, not the connection errors it left.
            ServerStartException exited = exited(e);
            if (exited != null) {
                throw exited;
            }
            throw e;
        }
    }

    /** The started server, or null when none was started (yet, or because the endpoints already serve the model). */
    ManagedServer server() {
        synchronized (lock) {
            return server;
        }
    }

    private Backend ready() {
        Backend backend = delegate;
        if (backend != null) {
            return backend;
        }
        synchronized (lock) {
            if (delegate != null) {
                return delegate;
            }
            if (closed) {
                throw new BackendException("the managed judge server's back end is closed; create a new one");
            }
            ServerStartException exited = exited(null);
            if (exited != null) {
                throw exited;
            }
            if (startFailure != null) {
                // Loading a model takes minutes: a server that failed once is not started again for every prompt.
                throw ServerStartException.repeatOf(startFailure, "The judge server could not be started earlier in this run"
                        + " (reported in full at the first judgment that needed it): "
                        + startFailure.getMessage().lines().findFirst().orElse(""));
            }
            Backend connected = connect();
            delegate = connected;
            if (server != null) {
                // Runs at once if it already exited: the client is closed and the caller gets the report.
                server.exit().thenAccept(report -> report.ifPresent(this::serverExited));
            }
            return connected;
        }
    }

    /** The server exited while in use: end the requests in flight now; they and later ones fail with the report. */
    private void serverExited(String report) {
        Backend backend;
        synchronized (lock) {
            exitReport = report;
            backend = delegate;
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** Null while the server runs (or none was started); else the failure to throw: in full the first time. */
    private ServerStartException exited(Throwable cause) {
        synchronized (lock) {
            if (exitReport == null) {
                return null;
            }
            if (exitFailure == null) {
                exitFailure = new ServerStartException(exitReport, cause);
                return exitFailure;
            }
            return ServerStartException.repeatOf(exitFailure, "The judge server stopped earlier in this run (reported in"
                    + " full at the first judgment it failed, with the end of its log): "
                    + exitReport.lines().findFirst().orElse("") + " Command as run: " + server.commandAsRun()
                    + "; its log: " + config.logFile().toAbsolutePath());
        }
    }

    private Backend connect() {
        List<URI> beside = new ArrayList<>();
        if (!endpoints.isEmpty()) {
            RemoteBackend configured = remote.apply(endpoints);
            // The client's own list: it normalizes the URLs (http://host:8000/v1 is http://host:8000) and asks only those.
            for (URI endpoint : configured.config().endpoints()) {
                List<String> models;
                try {
                    models = configured.servedModels(endpoint);
                } catch (BackendException down) {
                    // Not answering now (down, still loading, refusing; after the client's retries, a few seconds):
                    // the server is started, and this endpoint stays beside it, for when it comes up.
                    beside.add(endpoint);
                    continue;
                }
                if (models.contains(config.modelName())) {
                    LOG.log(System.Logger.Level.INFO, endpoint + " already serves " + config.modelName()
                            + ": using the configured endpoints, no judge server is started");
                    return configured;
                }
                LOG.log(System.Logger.Level.WARNING, endpoint + " serves " + models + ", not " + config.modelName()
                        + ": it is left out, and the judge server is started");
            }
            configured.close();
        }
        ManagedServer started;
        try {
            started = starter.apply(config);
        } catch (ServerStartException e) {
            startFailure = e;
            throw e;
        }
        server = started;
        List<URI> uris = new ArrayList<>();
        uris.add(started.endpoint());
        uris.addAll(beside);
        try {
            return remote.apply(uris);
        } catch (RuntimeException e) {
            started.close();
            server = null;
            throw e;
        }
    }

    @Override
    public void close() {
        Backend backend;
        ManagedServer started;
        synchronized (lock) {
            closed = true;
            backend = delegate;
            started = server;
        }
        try {
            if (backend != null) {
                backend.close();
            }
        } finally {
            if (started != null) {
                started.close();
            }
        }
    }

    @Override
    public String toString() {
        return "ServerBackend[model=" + config.modelName() + ", command=" + config.command() + ", endpoints=" + endpoints + "]";
    }
}
