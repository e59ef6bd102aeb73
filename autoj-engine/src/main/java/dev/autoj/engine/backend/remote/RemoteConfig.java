package dev.autoj.engine.backend.remote;

import dev.autoj.engine.backend.GenerationRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of a {@link RemoteBackend}: where the OpenAI-compatible servers are, which model they
 * serve, and how patiently to talk to them. Immutable and validated when built; an invalid value
 * fails with a message naming the setting and what is allowed.
 *
 * <pre>{@code
 * RemoteConfig config = RemoteConfig.builder()
 *         .endpoints("http://judge-a:8000,http://judge-b:8000")
 *         .modelName("GAIR/autoj-13b")
 *         .requestTimeout(Duration.ofMinutes(2))
 *         .bearerTokenEnv("AUTOJ_TOKEN")
 *         .build();
 * }</pre>
 *
 * <p>The bearer token itself is never part of the configuration: only the name of the environment
 * variable that holds it, so a config can be printed, logged and committed safely.
 *
 * @param endpoints base URLs of the servers, e.g. {@code http://judge:8000}; {@code /v1/completions} is appended
 * @param modelName the {@code "model"} sent with every request, and the backend's {@code modelId()}
 * @param connectTimeout how long to wait for a TCP (and TLS) connection
 * @param requestTimeout how long to wait for one whole completion, from sending to the last byte
 * @param maxRetries how many times one request is retried after a retryable failure (0 = try once)
 * @param backoffBase the wait before the first retry; doubles with each further retry
 * @param backoffCap the longest wait between two attempts, also the cap on a 5xx's {@code Retry-After} (a 429's
 *     is waited in full when it ends within the request timeout)
 * @param concurrency the most requests in flight at once, across all callers of one backend
 * @param maxTokens the largest {@code max_tokens} this backend sends; larger requests fail before sending
 * @param bearerTokenEnv the environment variable holding the bearer token, or {@code null} for none
 * @param coolOffBase how long an endpoint that cannot be reached is left alone the first time; doubles
 *     with each further ejection in a row
 * @param coolOffCap the longest an endpoint is left alone before one request probes it again
 * @param ejectAfterErrors how many 5xx answers, request timeouts or unusable 2xx answers in a row take an
 *     endpoint out (one busy 503 does not; a 429 never counts)
 * @param endpointConcurrency the most requests in flight at once on one endpoint
 * @param breakerCoolOff how long the whole backend fails at once after a request gave up because the
 *     judge was unreachable or timing out; doubles with each failed probe
 * @param breakerCoolOffCap the longest the backend fails at once before one request probes the judge
 */
public record RemoteConfig(
        List<URI> endpoints,
        String modelName,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration backoffBase,
        Duration backoffCap,
        int concurrency,
        int maxTokens,
        String bearerTokenEnv,
        Duration coolOffBase,
        Duration coolOffCap,
        int ejectAfterErrors,
        int endpointConcurrency,
        Duration breakerCoolOff,
        Duration breakerCoolOffCap) {

    /** Auto-J's model id on Hugging Face, which vLLM serves under that name by default. */
    public static final String DEFAULT_MODEL = "GAIR/autoj-13b";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A 1024-token critique from a 13B model on a busy server can take minutes. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(500);
    public static final Duration DEFAULT_BACKOFF_CAP = Duration.ofSeconds(30);
    public static final int DEFAULT_CONCURRENCY = 8;
    public static final Duration DEFAULT_COOL_OFF_BASE = Duration.ofSeconds(1);
    public static final Duration DEFAULT_COOL_OFF_CAP = Duration.ofSeconds(60);
    /** Several in a row: a single 503 from a busy server is load, five in a row are a sick server. */
    public static final int DEFAULT_EJECT_AFTER_ERRORS = 5;
    /**
     * A probe after the breaker opened costs up to one request timeout, so the backend stays shut long
     * enough that a dead judge costs a run about one timeout, not one per test.
     */
    public static final Duration DEFAULT_BREAKER_COOL_OFF = Duration.ofSeconds(30);
    public static final Duration DEFAULT_BREAKER_COOL_OFF_CAP = Duration.ofMinutes(5);

    private static final int MAX_CONCURRENCY = 1024;
    private static final int MAX_RETRIES_LIMIT = 100;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public RemoteConfig {
        endpoints = validateEndpoints(endpoints);
        if (modelName == null || modelName.isBlank()) {
            throw invalid("modelName", "must name the served model, e.g. \"" + DEFAULT_MODEL
                    + "\" (GET <endpoint>/v1/models lists what a server serves)");
        }
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("requestTimeout", requestTimeout);
        requirePositive("backoffBase", backoffBase);
        requirePositive("backoffCap", backoffCap);
        if (backoffCap.compareTo(backoffBase) < 0) {
            throw invalid("backoffCap", "must be at least backoffBase (" + backoffBase + "), got " + backoffCap);
        }
        if (maxRetries < 0 || maxRetries > MAX_RETRIES_LIMIT) {
            throw invalid("maxRetries", "must be between 0 and " + MAX_RETRIES_LIMIT + ", got " + maxRetries);
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw invalid("concurrency", "must be between 1 and " + MAX_CONCURRENCY + ", got " + concurrency);
        }
        if (maxTokens < 1) {
            throw invalid("maxTokens", "must be at least 1, got " + maxTokens);
        }
        requirePositive("coolOffBase", coolOffBase);
        requirePositive("coolOffCap", coolOffCap);
        if (coolOffCap.compareTo(coolOffBase) < 0) {
            throw invalid("coolOffCap", "must be at least coolOffBase (" + coolOffBase + "), got " + coolOffCap);
        }
        if (ejectAfterErrors < 1 || ejectAfterErrors > MAX_RETRIES_LIMIT) {
            throw invalid("ejectAfterErrors", "must be between 1 and " + MAX_RETRIES_LIMIT + ", got " + ejectAfterErrors);
        }
        if (endpointConcurrency < 1 || endpointConcurrency > MAX_CONCURRENCY) {
            throw invalid("endpointConcurrency", "must be between 1 and " + MAX_CONCURRENCY + ", got " + endpointConcurrency);
        }
        requirePositive("breakerCoolOff", breakerCoolOff);
        requirePositive("breakerCoolOffCap", breakerCoolOffCap);
        if (breakerCoolOffCap.compareTo(breakerCoolOff) < 0) {
            throw invalid("breakerCoolOffCap", "must be at least breakerCoolOff (" + breakerCoolOff + "), got "
                    + breakerCoolOffCap);
        }
        if (bearerTokenEnv != null && !ENV_NAME.matcher(bearerTokenEnv).matches()) {
            throw invalid("bearerTokenEnv", "must be the NAME of an environment variable (letters, digits, _),"
                    + " not the token itself");
        }
    }

    /** A config with every default and the given endpoints, comma-separated. */
    public static RemoteConfig of(String endpoints) {
        return builder().endpoints(endpoints).build();
    }

    /** A builder starting from the defaults; only the endpoints are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static List<URI> validateEndpoints(List<URI> endpoints) {
        if (endpoints == null || endpoints.isEmpty()) {
            throw invalid("endpoints", "must list at least one server base URL, e.g. http://localhost:8000");
        }
        List<URI> normalized = new ArrayList<>(endpoints.size());
        for (URI uri : endpoints) {
            if (uri == null) {
                throw invalid("endpoints", "must not contain null");
            }
            URI base = normalize(uri);
            if (normalized.contains(base)) {
                throw invalid("endpoints", "lists " + base + " twice; list each server once");
            }
            normalized.add(base);
        }
        return List.copyOf(normalized);
    }

    /** Accepts both {@code http://host:8000} and the OpenAI-style {@code http://host:8000/v1}. */
    private static URI normalize(URI uri) {
        if (uri.getRawUserInfo() != null) {
            throw invalid("endpoints", "entry for host " + uri.getHost()
                    + " carries user info; put credentials in the variable named by bearerTokenEnv instead");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw invalid("endpoints", "entry \"" + uri + "\" must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw invalid("endpoints", "entry \"" + uri + "\" has no host; write e.g. http://localhost:8000");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid("endpoints", "entry \"" + uri + "\" must be a base URL without ?query or #fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.endsWith("/v1")) {
            path = path.substring(0, path.length() - "/v1".length());
        }
        try {
            return new URI(scheme, null, uri.getHost(), uri.getPort(), path.isEmpty() ? null : path, null, null);
        } catch (URISyntaxException e) {
            throw invalid("endpoints", "entry \"" + uri + "\" is not a valid URL: " + e.getMessage());
        }
    }

    private static void requirePositive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(key, "must be a positive duration, got " + value);
        }
    }

    private static IllegalArgumentException invalid(String key, String what) {
        return new IllegalArgumentException("remote backend setting " + key + " " + what);
    }

    /** Builds a {@link RemoteConfig}; every setting but the endpoints has a default. */
    public static final class Builder {
        private List<URI> endpoints = List.of();
        private String modelName = DEFAULT_MODEL;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration backoffBase = DEFAULT_BACKOFF_BASE;
        private Duration backoffCap = DEFAULT_BACKOFF_CAP;
        private int concurrency = DEFAULT_CONCURRENCY;
        private int maxTokens = GenerationRequest.AUTOJ_MAX_NEW_TOKENS;
        private String bearerTokenEnv;
        private Duration coolOffBase = DEFAULT_COOL_OFF_BASE;
        private Duration coolOffCap = DEFAULT_COOL_OFF_CAP;
        private int ejectAfterErrors = DEFAULT_EJECT_AFTER_ERRORS;
        /** 0: as many as {@link #concurrency}, i.e. bounded by the total only. */
        private int endpointConcurrency;
        private Duration breakerCoolOff = DEFAULT_BREAKER_COOL_OFF;
        private Duration breakerCoolOffCap = DEFAULT_BREAKER_COOL_OFF_CAP;

        private Builder() {
        }

        private Builder(RemoteConfig c) {
            endpoints = c.endpoints;
            modelName = c.modelName;
            connectTimeout = c.connectTimeout;
            requestTimeout = c.requestTimeout;
            maxRetries = c.maxRetries;
            backoffBase = c.backoffBase;
            backoffCap = c.backoffCap;
            concurrency = c.concurrency;
            maxTokens = c.maxTokens;
            bearerTokenEnv = c.bearerTokenEnv;
            coolOffBase = c.coolOffBase;
            coolOffCap = c.coolOffCap;
            ejectAfterErrors = c.ejectAfterErrors;
            endpointConcurrency = c.endpointConcurrency == c.concurrency ? 0 : c.endpointConcurrency;
            breakerCoolOff = c.breakerCoolOff;
            breakerCoolOffCap = c.breakerCoolOffCap;
        }

        /** Comma-separated base URLs, e.g. {@code "http://a:8000,http://b:8000"}. */
        public Builder endpoints(String commaSeparated) {
            Objects.requireNonNull(commaSeparated, "endpoints");
            List<URI> uris = new ArrayList<>();
            for (String part : commaSeparated.split(",")) {
                String trimmed = part.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                try {
                    uris.add(new URI(trimmed));
                } catch (URISyntaxException e) {
                    throw invalid("endpoints", "entry \"" + trimmed + "\" is not a valid URL: " + e.getReason());
                }
            }
            this.endpoints = uris;
            return this;
        }

        public Builder endpoints(List<URI> endpoints) {
            this.endpoints = endpoints == null ? null : new ArrayList<>(endpoints);
            return this;
        }

        public Builder modelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        public Builder backoff(Duration base, Duration cap) {
            this.backoffBase = base;
            this.backoffCap = cap;
            return this;
        }

        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** The name of the environment variable holding the bearer token; {@code null} sends none. */
        public Builder bearerTokenEnv(String variableName) {
            this.bearerTokenEnv = variableName;
            return this;
        }

        /**
         * How long an endpoint that refused a connection (or gave {@code ejectAfterErrors} errors in a
         * row) is left alone: {@code base} the first time, doubling to {@code cap}, with jitter.
         */
        public Builder coolOff(Duration base, Duration cap) {
            this.coolOffBase = base;
            this.coolOffCap = cap;
            return this;
        }

        public Builder ejectAfterErrors(int consecutiveErrors) {
            this.ejectAfterErrors = consecutiveErrors;
            return this;
        }

        /** The most requests in flight on one endpoint; by default the total {@link #concurrency} bound. */
        public Builder endpointConcurrency(int perEndpoint) {
            this.endpointConcurrency = perEndpoint;
            return this;
        }

        /** How long the backend fails at once after the judge proved unreachable: {@code base}, doubling to {@code cap}. */
        public Builder circuitBreaker(Duration base, Duration cap) {
            this.breakerCoolOff = base;
            this.breakerCoolOffCap = cap;
            return this;
        }

        public RemoteConfig build() {
            return new RemoteConfig(endpoints, modelName, connectTimeout, requestTimeout, maxRetries,
                    backoffBase, backoffCap, concurrency, maxTokens, bearerTokenEnv, coolOffBase, coolOffCap,
                    ejectAfterErrors, endpointConcurrency == 0 ? concurrency : endpointConcurrency,
                    breakerCoolOff, breakerCoolOffCap);
        }
    }
}
