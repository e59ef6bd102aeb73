package dev.autoj.engine.backend.remote;

import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.remote.CompletionsProtocol.Completion;
import dev.autoj.engine.backend.remote.CompletionsProtocol.MalformedResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One HTTP exchange with retries, backoff and failover across the configured endpoints, routed by
 * the {@link Fleet}'s view of their health and guarded by the {@link CircuitBreaker}.
 */
final class Exchanger {

    private static final System.Logger LOG = System.getLogger(RemoteBackend.class.getName());

    // Hints name what a user can actually set: the JUnit key and the CLI option (docs/junit-extension.md, docs/cli.md).
    static final String TIMEOUT_HINT = "raise the request timeout (autoj.timeout in JUnit, --timeout in the CLI)";
    static final String ENDPOINTS_HINT = "check that the servers are up and that the endpoints are right"
            + " (autoj.endpoints in JUnit, --endpoint in the CLI; for the scenario classifier autoj.classifier.endpoints,"
            + " --classifier-endpoint)";
    static final String MODEL_HINT = "set the model name to one they serve (autoj.model.name in JUnit, --model-name in"
            + " the CLI; for the scenario classifier autoj.classifier.model.name, --classifier-model-name), or point the"
            + " endpoints at servers of this model";
    static final String TOKEN_HINT = "(autoj.token-env in JUnit, --token-env in the CLI)";
    static final String RATE_LIMIT_HINT = "lower the concurrency so that the servers stop rate-limiting this client"
            + " (autoj.concurrency in JUnit, --concurrency in the CLI), raise the request timeout so that their"
            + " Retry-After fits in it (autoj.timeout in JUnit, --timeout in the CLI), or raise the servers' limits";
    static final String SERVER_KIND_HINT = "check that each endpoint is an OpenAI-compatible server (vLLM, TGI,"
            + " llama.cpp server, Ollama) and not a proxy's error page";

    /** The status codes that say "this request", not "this server": the rest of a batch goes on. */

    private final RemoteConfig config;
    private final HttpClient http;
    private final String bearerToken;
    private final Timing timing;
    private final Fleet fleet;
    private final CircuitBreaker breaker;

    Exchanger(RemoteConfig config, HttpClient http, String bearerToken, Timing timing) {
        this.config = config;
        this.http = http;
        this.bearerToken = bearerToken;
        this.timing = timing;
        this.fleet = new Fleet(config, timing);
        this.breaker = new CircuitBreaker(config, timing, ENDPOINTS_HINT + ", or " + TIMEOUT_HINT);
    }

    /** What kind of failure one attempt met. */
    private enum Kind {
        /** No connection was made, so the server never saw the request. */
        NOT_CONNECTED,
        /** The connection broke (reset, closed mid-answer): the server is going away. */
        BROKEN,
        /** No complete answer within the request timeout. */
        TIMED_OUT,
        /** HTTP 5xx. */
        SERVER_ERROR,
        /** HTTP 429: busy, not down. */
        RATE_LIMITED,
        /** HTTP 2xx, but not a completion: not JSON, no {@code choices}, no {@code text}, an aborted finish. */
        UNUSABLE
    }

    /** What went wrong with one attempt that is worth another try. */
    private record Failure(URI endpoint, String description, Kind kind, Duration retryAfter, Throwable cause) {

        /** No connection was made, so the server never saw the request. */
        boolean notConnected() {
            return kind == Kind.NOT_CONNECTED;
        }

        /** The endpoint is down at once (no connection, or the connection broke). */
        boolean unreachable() {
            return kind == Kind.NOT_CONNECTED || kind == Kind.BROKEN;
        }

        /** No HTTP answer at all (connection failure or timeout): the judge may be dead. */
        boolean transport() {
            return unreachable() || kind == Kind.TIMED_OUT;
        }
    }

    /** What a server said; {@code retryAfter} is its Retry-After header, or null. */
    private record Answer(URI endpoint, int status, String body, Duration retryAfter) {
    }

    /** The answer that ended a request's attempts, with its completion when it was a 2xx. */
    private record Result(Answer answer, Completion completion) {
    }

    Fleet fleet() {
        return fleet;
    }

    Generation complete(GenerationRequest request) {
        long started = System.nanoTime();
        String body = CompletionsProtocol.requestBody(config.modelName(), request.prompt(), request.maxNewTokens(), request.sampling());
        boolean probe = breaker.admit();
        Result result;
        try {
            result = exchange(probe, request.maxNewTokens(), uri -> requestTo(uri, config.requestTimeout())
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .header("Content-Type", "application/json")
                    .build());
        } finally {
            if (probe) {
                breaker.probeAbandoned();
            }
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        Answer answer = result.answer();
        if (Rejection.PER_REQUEST.contains(answer.status())) {
            return Generation.rejected(rejected("POST", CompletionsProtocol.COMPLETIONS_PATH, answer).getMessage(), latency);
        }
        if (result.completion() == null) {
            throw rejected("POST", CompletionsProtocol.COMPLETIONS_PATH, answer);
        }
        Completion c = result.completion();
        return new Generation(c.text(), c.stopReason(), c.promptTokens(), c.completionTokens(), latency);
    }

    /** {@code GET /v1/models} of one endpoint, retried on that endpoint like a completion. */
    List<String> models(URI endpoint) {
        int attempts = config.maxRetries() + 1;
        Failure last = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (last != null) {
                pause(attempt, last, endpoint, "GET", CompletionsProtocol.MODELS_PATH, false,
                        timing.serverWait(attempt, last.retryAfter()), Duration.ZERO);
            }
            Answer answer;
            try {
                answer = send(endpoint, requestTo(URI.create(endpoint + CompletionsProtocol.MODELS_PATH),
                        config.requestTimeout()).GET().build(), config.requestTimeout());
            } catch (IOException e) {
                last = failure(endpoint, e);
                continue;
            }
            if (answer.status() == 429 || answer.status() >= 500) {
                last = serverError(answer);
                continue;
            }
            if (answer.status() < 200 || answer.status() >= 300) {
                throw rejected("GET", CompletionsProtocol.MODELS_PATH, answer);
            }
            try {
                return CompletionsProtocol.parseModelIds(answer.body());
            } catch (MalformedResponse e) {
                throw malformed(answer, CompletionsProtocol.MODELS_PATH, e);
            }
        }
        throw new BackendException("GET " + endpoint + CompletionsProtocol.MODELS_PATH + " gave up after " + attempts
                + " attempt" + (attempts == 1 ? "" : "s") + "; the last failed with: " + last.description() + ". "
                + ENDPOINTS_HINT, last.cause());
    }

    /**
     * Before the first request: one {@code GET /v1/models} per endpoint, all at once, each allowed
     * the connect timeout to answer. An endpoint that lists other models is excluded and named; one
     * that cannot be reached starts its cool-off; one without a usable list (404, an old server, a
     * proxy) is used as configured.
     *
     * @throws BackendException when every endpoint lists its models and none lists the configured one
     */
    void checkServedModels() {
        Duration timeout = config.connectTimeout().compareTo(config.requestTimeout()) < 0
                ? config.connectTimeout() : config.requestTimeout();
        Map<URI, CompletableFuture<HttpResponse<String>>> pending = new LinkedHashMap<>();
        for (URI endpoint : config.endpoints()) {
            pending.put(endpoint, http.sendAsync(requestTo(URI.create(endpoint + CompletionsProtocol.MODELS_PATH),
                    timeout).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        }
        List<String> elsewhere = new ArrayList<>();
        int usable = 0;
        for (Map.Entry<URI, CompletableFuture<HttpResponse<String>>> entry : pending.entrySet()) {
            URI endpoint = entry.getKey();
            List<String> served = null;
            try {
                HttpResponse<String> response = entry.getValue().get(timeout.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
                fleet.answered(endpoint);
                if (response.statusCode() / 100 == 2) {
                    served = CompletionsProtocol.parseModelIds(response.body());
                }
            } catch (TimeoutException e) {
                entry.getValue().cancel(true);
            } catch (InterruptedException e) {
                pending.values().forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new BackendException("interrupted while asking the remote judge's endpoints which models they serve", e);
            } catch (ExecutionException e) {
                Throwable cause = unwrap(e);
                if (cause instanceof IOException io && failure(endpoint, io).notConnected()) {
                    fleet.unreachable(endpoint, failure(endpoint, io).description());
                }
            } catch (MalformedResponse e) {
                // Not a model list: maybe a proxy that only routes completions; the completions will tell.
            }
            if (served == null || served.contains(config.modelName())) {
                usable++;
                continue;
            }
            String reason = (served.isEmpty() ? "serves no model" : "serves " + served) + ", not \""
                    + config.modelName() + "\"";
            fleet.exclude(endpoint, reason);
            elsewhere.add(endpoint + " " + reason);
            LOG.log(System.Logger.Level.WARNING, () -> "autoj remote backend: endpoint " + endpoint + " " + reason
                    + " (GET " + CompletionsProtocol.MODELS_PATH + "); it is not used");
        }
        if (usable == 0) {
            throw new BackendException("none of the remote judge's endpoints serves the model \"" + config.modelName()
                    + "\": " + String.join("; ", elsewhere) + ". " + MODEL_HINT);
        }
    }

    private HttpRequest.Builder requestTo(URI url, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Accept", "application/json");
        if (bearerToken != null) {
            builder.header("Authorization", "Bearer " + bearerToken);
        }
        return builder;
    }

    /**
     * Sends one completion until it gets an answer that is neither a 5xx, a 429 nor an unusable 2xx.
     * Each attempt goes where the fleet says; an attempt that could not connect, or that probed an
     * endpoint known to be down, costs no retry (the fleet's cool-offs and the request timeout bound
     * those instead). A 429 leaves its endpoint out until its Retry-After ends, and the request waits
     * for that only when no other endpoint is free and the wait ends within the request timeout. An
     * unusable 2xx (not JSON, no {@code choices}, no {@code text}) is that endpoint's failure: the
     * request goes on to an endpoint it has not had such an answer from, and fails, naming each, when
     * none is left.
     */
    private Result exchange(boolean probe, int maxTokens, Function<URI, HttpRequest> build) {
        String path = CompletionsProtocol.COMPLETIONS_PATH;
        long deadline = timing.nanos() + config.requestTimeout().toNanos();
        // The probe after the breaker opened tries once: it is there to learn, not to insist.
        int budget = probe ? 0 : config.maxRetries();
        int charged = 0;
        int attempts = 0;
        Set<URI> tried = new LinkedHashSet<>();
        // Endpoints that gave this request an unusable 2xx: asking them again would only get the same.
        Set<URI> avoid = new LinkedHashSet<>();
        // Each endpoint's last failure for this request, for the message when all of them fail.
        Map<URI, String> answers = new LinkedHashMap<>();
        Failure last = null;
        boolean lastFree = false;
        while (true) {
            if (attempts > 0 && !probe) {
                breaker.check();
            }
            Fleet.Lease lease;
            try {
                lease = fleet.acquire(tried, avoid, deadline);
            } catch (Fleet.RateLimited e) {
                // Busy servers are alive: the breaker is not tripped.
                throw new BackendException("POST " + path + " found no endpoint free to send to" + (attempts == 0 ? ""
                        : " after " + attempts + " attempt" + (attempts == 1 ? "" : "s")) + ": " + e.getMessage()
                        + ". " + RATE_LIMIT_HINT, last == null ? null : last.cause());
            } catch (Fleet.Unavailable e) {
                breaker.trip(probe, e.getMessage(), last == null ? null : last.cause());
                throw new BackendException("POST " + path + " found no endpoint to send to" + (attempts == 0 ? ""
                        : " after " + attempts + " attempt" + (attempts == 1 ? "" : "s")) + ": " + e.getMessage()
                        + ". " + ENDPOINTS_HINT, last == null ? null : last.cause());
            }
            URI endpoint = lease.endpoint();
            Fleet.Outcome outcome = Fleet.Outcome.NONE;
            String description = null;
            Duration busyFor = null;
            try {
                if (last != null) {
                    boolean ownWait = !lastFree && (last.kind() == Kind.SERVER_ERROR || last.kind() == Kind.TIMED_OUT
                            || last.kind() == Kind.BROKEN);
                    pause(charged, last, endpoint, "POST", path, lastFree,
                            ownWait ? timing.serverWait(charged, last.retryAfter()) : Duration.ZERO, lease.waited());
                }
                attempts++;
                tried.add(endpoint);
                Failure failure;
                Answer answer = null;
                try {
                    answer = send(endpoint, build.apply(URI.create(endpoint + path)),
                            config.requestTimeout().plus(config.connectTimeout()));
                    int status = answer.status();
                    if (status == 429 || status >= 500) {
                        failure = serverError(answer);
                    } else {
                        // A 2xx must hold a completion; another answer (a 4xx) ends the request and is reported.
                        Completion completion = status / 100 == 2
                                ? CompletionsProtocol.parseCompletion(answer.body(), maxTokens) : null;
                        outcome = Fleet.Outcome.ANSWERED;
                        breaker.answered(probe);
                        return new Result(answer, completion);
                    }
                } catch (IOException e) {
                    failure = failure(endpoint, e);
                } catch (MalformedResponse e) {
                    failure = new Failure(endpoint, "answered HTTP " + answer.status() + " but " + e.getMessage() + ": "
                            + snippet(answer.body()), Kind.UNUSABLE, null, null);
                }
                outcome = switch (failure.kind()) {
                    case NOT_CONNECTED, BROKEN -> Fleet.Outcome.UNREACHABLE;
                    case RATE_LIMITED -> Fleet.Outcome.BUSY;
                    case TIMED_OUT, SERVER_ERROR, UNUSABLE -> Fleet.Outcome.SERVER_ERROR;
                };
                description = failure.description();
                answers.put(endpoint, description);
                boolean free = failure.notConnected() || lease.probe();
                if (!free) {
                    charged++;
                }
                if (failure.kind() == Kind.RATE_LIMITED) {
                    busyFor = failure.retryAfter() != null ? failure.retryAfter() : timing.backoff(Math.max(1, charged));
                }
                if (failure.kind() == Kind.UNUSABLE) {
                    avoid.add(endpoint);
                }
                last = failure;
                lastFree = free;
                if (failure.kind() == Kind.UNUSABLE && !fleet.anyBesides(avoid)) {
                    breaker.answered(probe);
                    throw new BackendException("POST " + path + " got no usable answer from any endpoint (" + attempts
                            + " attempt" + (attempts == 1 ? "" : "s") + "): " + each(answers, path) + ". The model is \""
                            + config.modelName() + "\"; " + SERVER_KIND_HINT);
                }
                if (charged > budget) {
                    throw gaveUp(probe, attempts, tried, answers, failure);
                }
            } finally {
                fleet.release(lease, outcome, description, busyFor);
            }
        }
    }

    private static String each(Map<URI, String> answers, String path) {
        List<String> parts = new ArrayList<>();
        answers.forEach((endpoint, what) -> parts.add(endpoint + path + " " + what));
        return String.join("; ", parts);
    }

    private BackendException gaveUp(boolean probe, int attempts, Set<URI> tried, Map<URI, String> answers, Failure last) {
        String hint;
        if (last.transport()) {
            breaker.trip(probe, "POST " + CompletionsProtocol.COMPLETIONS_PATH + " on " + last.endpoint() + ": "
                    + last.description(), last.cause());
            hint = last.unreachable() ? ENDPOINTS_HINT : TIMEOUT_HINT + ", or " + ENDPOINTS_HINT;
        } else {
            breaker.answered(probe);
            hint = switch (last.kind()) {
                case RATE_LIMITED -> RATE_LIMIT_HINT;
                case UNUSABLE -> SERVER_KIND_HINT;
                default -> "the servers are overloaded or failing; check their logs, and " + ENDPOINTS_HINT;
            };
        }
        return new BackendException("POST " + CompletionsProtocol.COMPLETIONS_PATH + " gave up after " + attempts
                + " attempt" + (attempts == 1 ? "" : "s") + " on " + tried + "; the last, to " + last.endpoint()
                + ", failed with: " + last.description()
                + (answers.size() > 1 ? "; each endpoint's last answer: " + each(answers, CompletionsProtocol.COMPLETIONS_PATH)
                        : "")
                + ". The model is \"" + config.modelName() + "\"; " + hint, last.cause());
    }

    /** Sends once. Exceptions are the retryable transport failures; anything the server says is an answer. */
    private Answer send(URI endpoint, HttpRequest request, Duration limit) throws IOException {
        CompletableFuture<HttpResponse<String>> pending =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        // The request timeout of the JDK client stops at the response headers; this bounds the body too.
        try {
            HttpResponse<String> response = pending.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            Duration retryAfter = response.headers().firstValue("Retry-After").map(Timing::retryAfter).orElse(null);
            return new Answer(endpoint, response.statusCode(), response.body(), retryAfter);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new HttpTimeoutException("no complete response within " + config.requestTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while waiting for " + request.method() + " " + request.uri(), e);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new BackendException(request.method() + " " + request.uri() + " failed unexpectedly: " + cause, cause);
        }
    }

    private static Throwable unwrap(ExecutionException e) {
        return e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                ? e.getCause().getCause() : e.getCause();
    }

    private Failure serverError(Answer answer) {
        boolean busy = answer.status() == 429;
        String description = (busy ? "rate-limited: " : "") + "HTTP " + answer.status() + " " + snippet(answer.body())
                + (answer.retryAfter() == null ? "" : " with Retry-After " + answer.retryAfter().toMillis() + " ms");
        return new Failure(answer.endpoint(), description, busy ? Kind.RATE_LIMITED : Kind.SERVER_ERROR,
                answer.retryAfter(), null);
    }

    private Failure failure(URI endpoint, IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return new Failure(endpoint, "no connection within " + config.connectTimeout().toMillis()
                    + " ms (the connect timeout)", Kind.NOT_CONNECTED, null, e);
        }
        if (e instanceof ConnectException) {
            return new Failure(endpoint, "connection failed (" + describe(e) + ")", Kind.NOT_CONNECTED, null, e);
        }
        if (e instanceof HttpTimeoutException) {
            return new Failure(endpoint, "timed out: no complete response within "
                    + config.requestTimeout().toMillis() + " ms (the request timeout)", Kind.TIMED_OUT, null, e);
        }
        // A reset or a connection closed mid-answer: the server is going away.
        return new Failure(endpoint, "I/O error (" + describe(e) + ")", Kind.BROKEN, null, e);
    }

    /**
     * Waits {@code wait} before retry number {@code charged} (free retries go at once) and logs exactly
     * one line for it; {@code waited} is how long the fleet already waited for {@code next} to be free.
     */
    private void pause(int charged, Failure last, URI next, String method, String path, boolean free, Duration wait,
                       Duration waited) {
        LOG.log(System.Logger.Level.INFO, () -> "autoj remote backend: " + method + " " + path + " on "
                + last.endpoint() + " failed: " + last.description() + "; "
                + (free ? "trying " + next + " at once (no retry used)"
                        : "retry " + charged + " of " + config.maxRetries() + " on " + next
                        + (!wait.isZero() ? " in " + wait.toMillis() + " ms"
                                : !waited.isZero() ? " after waiting " + waited.toMillis() + " ms for it to be free"
                                : " at once")));
        if (wait.isZero()) {
            return;
        }
        try {
            timing.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while waiting to retry " + method + " " + path
                    + " after: " + last.description(), e);
        }
    }

    private BackendException rejected(String method, String path, Answer answer) {
        return Rejection.of(config, method, path, answer.endpoint(), answer.status(), snippet(answer.body()));
    }

    private BackendException malformed(Answer answer, String path, MalformedResponse e) {
        return new BackendException(answer.endpoint() + path + " answered HTTP " + answer.status() + " but "
                + e.getMessage() + ": " + snippet(answer.body()) + ". Check that " + answer.endpoint()
                + " is an OpenAI-compatible server (vLLM, TGI, llama.cpp server, Ollama)");
    }

    private String snippet(String body) {
        return CompletionsProtocol.snippet(body, bearerToken);
    }

    private static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 3; t = t.getCause()) {
            parts.add(t.getMessage() == null ? t.getClass().getSimpleName()
                    : t.getClass().getSimpleName() + ": " + t.getMessage());
        }
        return String.join(", caused by ", parts);
    }

}
