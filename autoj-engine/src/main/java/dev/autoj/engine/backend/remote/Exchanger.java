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
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/** One HTTP exchange with retries, backoff and failover across the configured endpoints. */
final class Exchanger {

    private static final System.Logger LOG = System.getLogger(RemoteBackend.class.getName());

    private final RemoteConfig config;
    private final HttpClient http;
    private final String bearerToken;
    private final Sleeper sleeper;
    private final DoubleSupplier jitter;
    private final AtomicInteger nextEndpoint = new AtomicInteger();

    Exchanger(RemoteConfig config, HttpClient http, String bearerToken, Sleeper sleeper, DoubleSupplier jitter) {
        this.config = config;
        this.http = http;
        this.bearerToken = bearerToken;
        this.sleeper = sleeper;
        this.jitter = jitter;
    }

    /** What went wrong with one attempt that is worth another try. */
    private record Failure(URI endpoint, String description, boolean notConnected, Duration retryAfter,
                           Throwable cause) {
    }

    /** What a server said; {@code retryAfter} is its Retry-After header, or null. */
    private record Answer(URI endpoint, int status, String body, Duration retryAfter) {
    }

    Generation complete(GenerationRequest request) {
        long started = System.nanoTime();
        String body = CompletionsProtocol.requestBody(config.modelName(), request.prompt(), request.maxNewTokens());
        List<URI> endpoints = config.endpoints();
        int start = Math.floorMod(nextEndpoint.getAndIncrement(), endpoints.size());
        Answer answer = exchange("POST", CompletionsProtocol.COMPLETIONS_PATH, endpoints, start,
                uri -> requestTo(uri).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .header("Content-Type", "application/json")
                        .build());
        try {
            Completion c = CompletionsProtocol.parseCompletion(answer.body(), request.maxNewTokens());
            return new Generation(c.text(), c.stopReason(), c.promptTokens(), c.completionTokens(),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (MalformedResponse e) {
            throw malformed(answer, CompletionsProtocol.COMPLETIONS_PATH, e);
        }
    }

    List<String> models(URI endpoint) {
        Answer answer = exchange("GET", CompletionsProtocol.MODELS_PATH, List.of(endpoint), 0,
                uri -> requestTo(uri).GET().build());
        try {
            return CompletionsProtocol.parseModelIds(answer.body());
        } catch (MalformedResponse e) {
            throw malformed(answer, CompletionsProtocol.MODELS_PATH, e);
        }
    }

    private HttpRequest.Builder requestTo(URI url) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .timeout(config.requestTimeout())
                .header("Accept", "application/json");
        if (bearerToken != null) {
            builder.header("Authorization", "Bearer " + bearerToken);
        }
        return builder;
    }

    private Answer exchange(String method, String path, List<URI> endpoints, int start,
                            Function<URI, HttpRequest> build) {
        int attempts = config.maxRetries() + 1;
        Set<URI> tried = new LinkedHashSet<>();
        Failure last = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            URI endpoint = endpoints.get((start + attempt) % endpoints.size());
            if (last != null) {
                pause(attempt, last, endpoint, tried.contains(endpoint), method, path);
            }
            tried.add(endpoint);
            Answer answer;
            try {
                answer = send(endpoint, build.apply(URI.create(endpoint + path)));
            } catch (IOException e) {
                last = failure(endpoint, e);
                continue;
            }
            int status = answer.status();
            if (status >= 200 && status < 300) {
                return answer;
            }
            if (status == 429 || status >= 500) {
                String description = "HTTP " + status + " " + snippet(answer.body())
                        + (answer.retryAfter() == null ? "" : " with Retry-After " + answer.retryAfter().toMillis() + " ms");
                last = new Failure(endpoint, description, false, answer.retryAfter(), null);
                continue;
            }
            throw rejected(method, path, answer);
        }
        throw new BackendException(method + " " + path + " gave up after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + " (maxRetries " + config.maxRetries() + ") on " + tried
                + "; the last, to " + last.endpoint() + ", failed with: " + last.description()
                + ". Check that the server is up and serving \"" + config.modelName()
                + "\", or raise maxRetries / requestTimeout in the remote backend settings", last.cause());
    }

    /** Sends once. Exceptions are the retryable transport failures; anything the server says is an answer. */
    private Answer send(URI endpoint, HttpRequest request) throws IOException {
        CompletableFuture<HttpResponse<String>> pending =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        // The request timeout of the JDK client stops at the response headers; this bounds the body too.
        long limitMillis = config.requestTimeout().plus(config.connectTimeout()).toMillis();
        try {
            HttpResponse<String> response = pending.get(limitMillis, TimeUnit.MILLISECONDS);
            Duration retryAfter = response.headers().firstValue("Retry-After").map(Exchanger::retryAfter).orElse(null);
            return new Answer(endpoint, response.statusCode(), response.body(), retryAfter);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new HttpTimeoutException("no complete response within " + config.requestTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while waiting for " + request.method() + " " + request.uri(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new BackendException(request.method() + " " + request.uri() + " failed unexpectedly: " + cause, cause);
        }
    }

    private Failure failure(URI endpoint, IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return new Failure(endpoint, "no connection within " + config.connectTimeout().toMillis()
                    + " ms (connectTimeout)", true, null, e);
        }
        if (e instanceof ConnectException) {
            return new Failure(endpoint, "connection failed (" + describe(e) + ")", true, null, e);
        }
        if (e instanceof HttpTimeoutException) {
            return new Failure(endpoint, "timed out: no complete response within "
                    + config.requestTimeout().toMillis() + " ms (requestTimeout)", false, null, e);
        }
        return new Failure(endpoint, "I/O error (" + describe(e) + ")", false, null, e);
    }

    private void pause(int attempt, Failure last, URI next, boolean nextAlreadyTried, String method, String path) {
        Duration wait;
        if (last.notConnected() && !nextAlreadyTried) {
            wait = Duration.ZERO;
        } else if (last.retryAfter() != null) {
            wait = min(last.retryAfter(), config.backoffCap());
        } else {
            wait = backoff(attempt);
        }
        LOG.log(System.Logger.Level.INFO, () -> "autoj remote backend: " + method + " " + path + " on "
                + last.endpoint() + " failed: " + last.description() + "; retry " + attempt + " of "
                + config.maxRetries() + " on " + next + " in " + wait.toMillis() + " ms");
        if (wait.isZero()) {
            return;
        }
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while waiting to retry " + method + " " + path
                    + " after: " + last.description(), e);
        }
    }

    /** Retry n waits between half and all of min(cap, base * 2^(n-1)), so that clients spread out. */
    private Duration backoff(int retry) {
        Duration cap = config.backoffCap();
        Duration full = config.backoffBase();
        for (int i = 1; i < retry && full.compareTo(cap) < 0; i++) {
            full = full.multipliedBy(2);
        }
        full = min(full, cap);
        double fraction = 0.5 + 0.5 * Math.min(1.0, Math.max(0.0, jitter.getAsDouble()));
        return Duration.ofNanos((long) (full.toNanos() * fraction));
    }

    /** Delay-seconds or an HTTP-date; anything else is ignored (null) and the normal backoff applies. */
    static Duration retryAfter(String value) {
        String v = value.strip();
        if (v.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Duration until = Duration.between(ZonedDateTime.now(),
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private BackendException rejected(String method, String path, Answer answer) {
        int status = answer.status();
        String hint;
        if (status == 401 || status == 403) {
            hint = config.bearerTokenEnv() == null
                    ? "the server wants a bearer token: set bearerTokenEnv to the environment variable holding it"
                    : "check the token in the environment variable " + config.bearerTokenEnv() + " (bearerTokenEnv)";
        } else if (status == 404) {
            hint = "check the endpoint's base URL and that the model \"" + config.modelName()
                    + "\" is served (GET " + answer.endpoint() + CompletionsProtocol.MODELS_PATH + " lists them)";
        } else if (status == 400 || status == 413 || status == 422) {
            hint = "the server refused this request; a prompt plus max_tokens longer than the model's context"
                    + " window (4096 tokens for Auto-J-13B) is the usual cause";
        } else if (status >= 300 && status < 400) {
            hint = "the endpoint redirects elsewhere; configure the URL it redirects to as the endpoint";
        } else {
            hint = "the server refused this request";
        }
        return new BackendException(method + " " + answer.endpoint() + path + " was rejected with HTTP " + status
                + " (not retried): " + snippet(answer.body()) + "; " + hint);
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

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
