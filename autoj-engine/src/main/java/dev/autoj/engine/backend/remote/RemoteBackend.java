package dev.autoj.engine.backend.remote;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A {@link Backend} that sends prompts to OpenAI-compatible completions servers: vLLM (what
 * Auto-J's authors serve it with, tensor-parallel across GPUs), TGI, llama.cpp server or Ollama.
 * This is how a team shares one judge fleet between every developer and CI runner.
 *
 * <pre>{@code
 * try (RemoteBackend backend = new RemoteBackend(RemoteConfig.of("http://judge:8000"))) {
 *     List<Generation> out = backend.generate(List.of(new GenerationRequest(prompt, 1024)));
 * }
 * }</pre>
 *
 * <p>Each request is {@code POST {endpoint}/v1/completions} with the body
 * {@code {"model":…,"prompt":…,"temperature":0,"top_p":1,"max_tokens":N}}, exactly these fields in
 * this order. Before the first request, one {@code GET /v1/models} per endpoint leaves out the
 * endpoints that serve another model. Each request goes to the healthy endpoint with the fewest
 * requests outstanding; an endpoint that cannot be connected to, or that fails several times in a
 * row, is left alone for a cool-off and then probed by one request (see {@code Fleet}). A timeout,
 * a broken connection or HTTP 5xx is retried up to {@link RemoteConfig#maxRetries()} times, on
 * another endpoint when there is one, after an exponential backoff with jitter (or the server's
 * {@code Retry-After}, capped); an attempt that could not connect costs no retry and the next goes
 * out at once. HTTP 429 is "busy", not "down": that endpoint is left out until its {@code Retry-After}
 * ends, and the retry goes elsewhere, or waits for it when that ends within the request timeout
 * (else the request fails at once saying it is rate-limited). A 2xx that is not a completion (not
 * JSON, no {@code choices}, no {@code text}) is that endpoint's failure: the retry goes to an endpoint
 * that has not answered this request so, at once, and the request fails, naming each endpoint and
 * what it answered, only when none is left. Once a request gave up because the judge was unreachable,
 * later requests fail at once for a while (see {@code CircuitBreaker}). HTTP 400/413/422 (a prompt the
 * server will not take) becomes a {@linkplain Generation#rejected rejected generation} of that request
 * only; other 4xx answers fail at once, with the status and an excerpt of what the server said.
 *
 * <p>Thread-safe. At most {@link RemoteConfig#concurrency()} requests are in flight at a time,
 * across all callers; the requests of one {@link #generate} call go out concurrently up to that
 * bound. The bearer token is read from the environment once, sent only in the
 * {@code Authorization} header, and never appears in logs, {@link #toString()} or exceptions.
 */
public final class RemoteBackend implements Backend {

    /** Visible ASCII only: anything else would be an invalid header value, or a pasted line break. */
    private static final Pattern TOKEN_CHARS = Pattern.compile("[\\x21-\\x7E]+");

    private final RemoteConfig config;
    private final ExecutorService workers;
    private final Exchanger exchanger;
    /** Whether the endpoints were asked for their models: once, before the first request (replay never asks). */
    private volatile boolean modelsChecked;

    /**
     * A backend for the given servers; reads the bearer token (if configured) from the environment.
     *
     * @throws IllegalArgumentException when the configured token variable is unset or blank
     */
    public RemoteBackend(RemoteConfig config) {
        this(config, System::getenv, Sleeper.THREAD_SLEEP, () -> ThreadLocalRandom.current().nextDouble());
    }

    RemoteBackend(RemoteConfig config, Function<String, String> environment, Sleeper sleeper, DoubleSupplier jitter) {
        this(config, environment, sleeper, jitter, Ticker.SYSTEM);
    }

    RemoteBackend(RemoteConfig config, Function<String, String> environment, Sleeper sleeper, DoubleSupplier jitter,
                  Ticker ticker) {
        if (config == null) {
            throw new IllegalArgumentException("remote backend: config must not be null; build one with RemoteConfig.builder()");
        }
        this.config = config;
        String bearerToken = readToken(config.bearerTokenEnv(), environment);
        HttpClient http = HttpClient.newBuilder()
                // vLLM, TGI and llama.cpp speak HTTP/1.1; an h2c upgrade attempt only costs a round trip.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.exchanger = new Exchanger(config, http, bearerToken, new Timing(config, ticker, sleeper, jitter));
        this.workers = Executors.newFixedThreadPool(config.concurrency(), workerThreads());
    }

    @Override
    public String name() {
        return "remote";
    }

    /** The configured {@link RemoteConfig#modelName()}, as sent in every request. */
    @Override
    public String modelId() {
        return config.modelName();
    }

    /** Sampled requests are sent with their temperature, top_p and repetition_penalty (vLLM's sampling parameters). */
    @Override
    public boolean samples() {
        return true;
    }

    /** The settings this backend was built with (they hold the token's variable name, never the token). */
    public RemoteConfig config() {
        return config;
    }

    /**
     * Completes every request, concurrently up to the configured bound, and answers in request order.
     *
     * @throws BackendException when any request fails after its retries; it names the request, the
     *     endpoint, the attempts made and the last error
     */
    @Override
    public List<Generation> generate(List<GenerationRequest> requests) {
        if (requests == null) {
            throw new IllegalArgumentException("requests must not be null");
        }
        for (int i = 0; i < requests.size(); i++) {
            GenerationRequest request = requests.get(i);
            if (request == null) {
                throw new IllegalArgumentException("request " + (i + 1) + " of " + requests.size() + " is null");
            }
            if (request.maxNewTokens() > config.maxTokens()) {
                throw new BackendException("request " + (i + 1) + " of " + requests.size() + " asks for "
                        + request.maxNewTokens() + " new tokens, more than the remote backend's maxTokens ("
                        + config.maxTokens() + "); lower the request's budget or raise RemoteConfig.maxTokens");
            }
        }
        checkServedModelsOnce();
        List<Future<Generation>> futures = new ArrayList<>(requests.size());
        try {
            for (GenerationRequest request : requests) {
                futures.add(workers.submit(() -> exchanger.complete(request)));
            }
            List<Generation> generations = new ArrayList<>(requests.size());
            for (int i = 0; i < futures.size(); i++) {
                generations.add(await(futures.get(i), i, requests));
            }
            return List.copyOf(generations);
        } catch (RejectedExecutionException e) {
            throw new BackendException("remote backend for " + config.endpoints() + " is closed; create a new one", e);
        } finally {
            futures.forEach(f -> f.cancel(true));
        }
    }

    /**
     * The model ids a server lists at {@code GET {endpoint}/v1/models}, for checking that
     * {@link RemoteConfig#modelName()} is served. Retried like a completion.
     */
    public List<String> servedModels(URI endpoint) {
        if (!config.endpoints().contains(endpoint)) {
            throw new IllegalArgumentException("endpoint " + endpoint + " is not one of the configured endpoints "
                    + config.endpoints());
        }
        return exchanger.models(endpoint);
    }

    /** Each endpoint's health as the backend sees it now: for tests and diagnostics. */
    List<Fleet.Status> fleetStatus() {
        return exchanger.fleet().status();
    }

    private void checkServedModelsOnce() {
        if (modelsChecked) {
            return;
        }
        synchronized (this) {
            if (!modelsChecked) {
                // Set first: a failed check is not repeated; the excluded endpoints stay excluded and say why.
                modelsChecked = true;
                exchanger.checkServedModels();
            }
        }
    }

    /** Stops the worker threads; requests still in flight are abandoned and their callers get a BackendException. */
    @Override
    public void close() {
        for (Runnable queued : workers.shutdownNow()) {
            // Unstarted tasks would otherwise leave their callers waiting forever.
            if (queued instanceof Future<?> future) {
                future.cancel(false);
            }
        }
    }

    @Override
    public String toString() {
        return "RemoteBackend[model=" + config.modelName() + ", endpoints=" + config.endpoints()
                + ", concurrency=" + config.concurrency()
                + (config.bearerTokenEnv() == null ? "" : ", token from $" + config.bearerTokenEnv()) + "]";
    }

    private Generation await(Future<Generation> future, int index, List<GenerationRequest> requests) {
        String which = "request " + (index + 1) + " of " + requests.size()
                + " (prompt of " + requests.get(index).prompt().length() + " chars)";
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while waiting for " + which + " from the remote judge", e);
        } catch (CancellationException e) {
            throw new BackendException(which + " was cancelled because the remote backend was closed", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BackendException) {
                throw new BackendException(which + " failed: " + cause.getMessage(), cause);
            }
            throw new BackendException(which + " failed unexpectedly: " + cause, cause);
        }
    }

    private static String readToken(String variable, Function<String, String> environment) {
        if (variable == null) {
            return null;
        }
        String value = environment.apply(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the bearer token's environment variable " + variable + " "
                    + Exchanger.TOKEN_HINT + " is unset or blank; export it with the server's API key,"
                    + " or name no token variable if the server needs no token");
        }
        String token = value.strip();
        if (!TOKEN_CHARS.matcher(token).matches()) {
            throw new IllegalArgumentException("the environment variable " + variable + " " + Exchanger.TOKEN_HINT + " holds"
                    + " spaces, line breaks or non-ASCII characters, which cannot go into an Authorization header;"
                    + " set it to the bare token");
        }
        return token;
    }

    private static ThreadFactory workerThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "autoj-remote-" + count.incrementAndGet());
            // A judge someone forgot to close must not keep the JVM (or a test run) alive.
            thread.setDaemon(true);
            return thread;
        };
    }
}
