package dev.autoj.engine;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.backend.EmbeddedRuntime;
import dev.autoj.engine.backend.TokenCounter;
import dev.autoj.engine.backend.remote.RemoteBackend;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.engine.conformance.Conformance;
import dev.autoj.engine.conformance.ConformanceMode;
import dev.autoj.engine.server.ManagedServer;
import dev.autoj.engine.server.ServerConfig;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting that makes a judge, validated once, with one set of defaults: the one path from
 * configuration to a {@link Judge}. The JUnit extension fills it from {@code autoj.*} keys, the
 * {@code autoj} command from its options; both then call {@link #open()}, which also runs the
 * conformance check before the first judgment.
 *
 * <pre>{@code
 * try (Judge judge = JudgeSpec.builder()
 *         .endpoints(List.of(URI.create("http://judge:8000")))
 *         .mode(StoreMode.RECORD).storeDir(Path.of("src/test/resources/autoj-store"))
 *         .build().open()) {
 *     judge.compare(query, newAnswer, baseline, Scenario.CODE_GENERATION);
 * }
 * }</pre>
 *
 * @param backend where the judge runs
 * @param endpoints the judge's servers (remote back end)
 * @param modelName the judge model as the server names it; keys the store
 * @param modelNameGiven whether {@code modelName} was configured rather than defaulted (the embedded
 *     engine otherwise names the model after its folder, and recording with it needs the name)
 * @param modelPath the model folder (embedded back end)
 * @param dtype the embedded model's weight type; null lets the checkpoint decide
 * @param device where the embedded model runs
 * @param cacheDir where the embedded engine keeps built graphs; null for its default
 * @param mode how the judgment store is used
 * @param storeDir the judgment store folder; null in live mode
 * @param maxNewTokens the judge's token budget, part of every store key
 * @param timeout time allowed for one whole generation request
 * @param concurrency most requests in flight at once
 * @param tokenEnv the environment variable holding the servers' bearer token, or null
 * @param classifierModelName Auto-J's scenario classifier as the server names it, or null for none
 * @param classifierEndpoints the classifier's servers (default: the judge's)
 * @param conformance what the run does with the conformance check
 * @param server a judge server to start for the run (remote back end), or null; see {@link ManagedServer}
 * @param tokenizer the judge's {@code tokenizer.json} (or a folder holding it), to count prompt tokens before
 *     sending (remote back end; needs {@code dev.autoj:autoj-onnx}), or null
 * @param contextWindow the remote judge's context window in tokens, prompt and budget together: a prompt that
 *     cannot fit it is refused before it is sent, as a no-verdict judgment of its own
 * @param naming how messages name each setting (a configuration key or a command-line option)
 */
public record JudgeSpec(
        BackendKind backend,
        List<URI> endpoints,
        String modelName,
        boolean modelNameGiven,
        Path modelPath,
        Dtype dtype,
        Device device,
        Path cacheDir,
        StoreMode mode,
        Path storeDir,
        int maxNewTokens,
        Duration timeout,
        int concurrency,
        String tokenEnv,
        String classifierModelName,
        List<URI> classifierEndpoints,
        ConformanceMode conformance,
        ServerConfig server,
        Path tokenizer,
        int contextWindow,
        Naming naming) {

    /** The back ends a judge can run on. */
    public enum BackendKind {
        /** An OpenAI-compatible completions server: vLLM, TGI, llama.cpp server, Ollama. */
        REMOTE,
        /** The embedded engine ({@code dev.autoj:autoj-onnx}), running a model folder in this JVM. */
        ONNX
    }

    /**
     * One setting: its configuration key ({@code autoj.} + {@link #key()}; dots for hierarchy, hyphens
     * inside words), its environment form, its default and its older spellings, which still work with
     * one deprecation warning each.
     */
    public enum Setting {
        BACKEND("backend", "remote"),
        ENDPOINTS("endpoints", null),
        MODEL_NAME("model.name", RemoteConfig.DEFAULT_MODEL, "model-name"),
        MODEL_PATH("model.path", null),
        DTYPE("dtype", null),
        DEVICE("device", "auto"),
        CACHE_DIR("model.cache-dir", null, "onnx.cache-dir"),
        MODE("mode", "live"),
        STORE_DIR("store.dir", null),
        MAX_NEW_TOKENS("max-new-tokens", "1024"),
        TIMEOUT("timeout", "5m"),
        CONCURRENCY("concurrency", "8"),
        TOKEN_ENV("token-env", null),
        CLASSIFIER_MODEL_NAME("classifier.model.name", null, "classifier.model-name"),
        CLASSIFIER_ENDPOINTS("classifier.endpoints", null),
        CONFORMANCE("conformance", "strict"),
        SERVER_COMMAND("server.command", null),
        SERVER_STARTUP_TIMEOUT("server.startup-timeout", "15m"),
        SERVER_DIR("server.dir", null),
        TOKENIZER("tokenizer", null),
        CONTEXT_WINDOW("context-window", "4096");

        /** The prefix of every configuration key. */
        public static final String PREFIX = "autoj.";

        private final String key;
        private final String defaultValue;
        private final List<String> oldKeys;

        Setting(String key, String defaultValue, String... oldKeys) {
            this.key = key;
            this.defaultValue = defaultValue;
            this.oldKeys = List.of(oldKeys);
        }

        /** The key after {@code autoj.}, e.g. {@code store.dir}. */
        public String key() {
            return key;
        }

        /** The configuration-parameter / system-property form, e.g. {@code autoj.store.dir}. */
        public String property() {
            return PREFIX + key;
        }

        /** The environment form, e.g. {@code AUTOJ_STORE_DIR}. */
        public String environment() {
            return environmentOf(key);
        }

        /** Older spellings of {@link #key()}, still read with a deprecation warning. */
        public List<String> oldKeys() {
            return oldKeys;
        }

        /** The default, as text, or null when the setting has none. */
        public String defaultValue() {
            return defaultValue;
        }

        /** The environment form of a key suffix, e.g. {@code AUTOJ_STORE_DIR} for {@code store.dir}. */
        public static String environmentOf(String key) {
            return "AUTOJ_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    /** How messages name settings: configuration keys for the extension, options for the CLI. */
    public interface Naming {
        /** The setting as a user sets it, e.g. {@code autoj.endpoints (or AUTOJ_ENDPOINTS)} or {@code --endpoint}. */
        String name(Setting setting);

        /** Setting it to a value, e.g. {@code autoj.mode=replay} or {@code --mode replay}. */
        String assign(Setting setting, String value);

        /** The configuration keys. */
        Naming KEYS = new Naming() {
            @Override
            public String name(Setting setting) {
                return setting.property() + " (or " + setting.environment() + ")";
            }

            @Override
            public String assign(Setting setting, String value) {
                return setting.property() + "=" + value;
            }
        };
    }

    /** A setting that cannot be used; the message names it (as the user sets it), the value and the fix. */
    public static final class InvalidSpecException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidSpecException(String message) {
            super(message);
        }

        public InvalidSpecException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public JudgeSpec {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(conformance, "conformance");
        Objects.requireNonNull(naming, "naming");
        Objects.requireNonNull(modelName, "modelName");
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        classifierEndpoints = classifierEndpoints == null || classifierEndpoints.isEmpty() ? endpoints : List.copyOf(classifierEndpoints);
        validate(backend, endpoints, modelNameGiven, modelPath, mode, storeDir, maxNewTokens, timeout, concurrency,
                classifierModelName, classifierEndpoints, server, naming);
        validateCounting(backend, mode, tokenizer, contextWindow, maxNewTokens, naming);
    }

    /** Auto-J-13B's context window (LLaMA-2): prompt and generated tokens together. */
    public static final int DEFAULT_CONTEXT_WINDOW = 4096;

    private static void validateCounting(BackendKind backend, StoreMode mode, Path tokenizer, int contextWindow, int maxNewTokens,
            Naming naming) {
        if (contextWindow <= maxNewTokens || contextWindow > 1_048_576) {
            throw new InvalidSpecException(naming.name(Setting.CONTEXT_WINDOW) + " must be a whole number of tokens larger than "
                    + naming.name(Setting.MAX_NEW_TOKENS) + " (" + maxNewTokens + ") and at most 1048576, got " + contextWindow
                    + " (Auto-J-13B's window is " + DEFAULT_CONTEXT_WINDOW + ")");
        }
        if (backend == BackendKind.ONNX && (tokenizer != null || contextWindow != DEFAULT_CONTEXT_WINDOW)) {
            Setting given = tokenizer != null ? Setting.TOKENIZER : Setting.CONTEXT_WINDOW;
            throw new InvalidSpecException(naming.name(given) + " applies to a remote judge; the embedded engine counts with the"
                    + " model folder's tokenizer.json and window (config.json) and refuses prompts that do not fit itself:"
                    + " remove " + naming.name(given) + ", or set " + naming.assign(Setting.BACKEND, "remote") + ".");
        }
        if (tokenizer != null && mode != StoreMode.REPLAY && !Files.isRegularFile(tokenizer)
                && !Files.isRegularFile(tokenizer.resolve("tokenizer.json"))) {
            throw new InvalidSpecException(naming.name(Setting.TOKENIZER) + " = " + tokenizer + ": "
                    + (Files.isDirectory(tokenizer) ? "the folder has no tokenizer.json" : "there is no such file") + " (seen from "
                    + Path.of("").toAbsolutePath() + "); give the judge model's tokenizer.json (for Auto-J, LLaMA-2's), or a"
                    + " folder holding it.");
        }
    }

    /** A builder holding the defaults of {@link Setting}; messages name configuration keys unless told otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.backend = backend;
        b.endpoints = endpoints;
        b.modelName = modelName;
        b.modelNameGiven = modelNameGiven;
        b.modelPath = modelPath;
        b.dtype = dtype;
        b.device = device;
        b.cacheDir = cacheDir;
        b.mode = mode;
        b.storeDir = storeDir;
        b.maxNewTokens = maxNewTokens;
        b.timeout = timeout;
        b.concurrency = concurrency;
        b.tokenEnv = tokenEnv;
        b.classifierModelName = classifierModelName;
        b.classifierEndpoints = classifierEndpoints == endpoints ? List.of() : classifierEndpoints;
        b.conformance = conformance;
        b.server = server;
        b.tokenizer = tokenizer;
        b.contextWindow = contextWindow;
        b.naming = naming;
        return b;
    }

    private static void validate(BackendKind backend, List<URI> endpoints, boolean modelNameGiven, Path modelPath, StoreMode mode,
            Path storeDir, int maxNewTokens, Duration timeout, int concurrency, String classifierModelName,
            List<URI> classifierEndpoints, ServerConfig server, Naming naming) {
        String modeName = lower(mode);
        if (server != null && backend != BackendKind.REMOTE) {
            throw new InvalidSpecException(naming.name(Setting.SERVER_COMMAND) + " starts a completions server, which "
                    + naming.assign(Setting.BACKEND, lower(backend)) + " does not use: set " + naming.assign(Setting.BACKEND, "remote")
                    + ", or remove " + naming.name(Setting.SERVER_COMMAND) + ".");
        }
        if (maxNewTokens < 1 || maxNewTokens > 4096) {
            throw new InvalidSpecException(naming.name(Setting.MAX_NEW_TOKENS) + " must be a whole number from 1 to 4096, got "
                    + maxNewTokens + " (Auto-J's setting is 1024)");
        }
        if (concurrency < 1 || concurrency > 1024) {
            throw new InvalidSpecException(naming.name(Setting.CONCURRENCY) + " must be a whole number from 1 to 1024, got "
                    + concurrency);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidSpecException(naming.name(Setting.TIMEOUT) + " must be a positive duration, got " + timeout);
        }
        if (mode != StoreMode.LIVE && storeDir == null) {
            throw new InvalidSpecException(naming.assign(Setting.MODE, modeName) + " needs a judgment store: set "
                    + naming.name(Setting.STORE_DIR) + " to its folder");
        }
        if (classifierModelName == null && classifierEndpoints != endpoints && !classifierEndpoints.isEmpty()) {
            throw new InvalidSpecException(naming.name(Setting.CLASSIFIER_ENDPOINTS) + " is set but "
                    + naming.name(Setting.CLASSIFIER_MODEL_NAME) + " is not: name the scenario-classifier model the endpoints"
                    + " serve, e.g. GAIR/autoj-scenario-classifier.");
        }
        if (mode == StoreMode.REPLAY) {
            return;
        }
        if (backend == BackendKind.REMOTE && endpoints.isEmpty() && server == null) {
            throw new InvalidSpecException(naming.name(Setting.ENDPOINTS) + " is required for a remote judge in mode " + modeName
                    + ": give one or more base URLs separated by commas, e.g. http://judge-1:8000,http://judge-2:8000; or start"
                    + " a judge server for the run with " + naming.assign(Setting.SERVER_COMMAND,
                            "\"vllm serve GAIR/autoj-13b --port {port}\"") + "; or set "
                    + naming.assign(Setting.MODE, "replay") + " to judge from recorded judgments only.");
        }
        if (backend == BackendKind.ONNX) {
            if (modelPath == null) {
                throw new InvalidSpecException(naming.name(Setting.MODEL_PATH) + " is required for the embedded judge in mode "
                        + modeName + ": give the Hugging Face folder of the Auto-J checkpoint (config.json, tokenizer.json,"
                        + " *.safetensors); or set " + naming.assign(Setting.MODE, "replay") + ".");
            }
            String problem = !Files.isDirectory(modelPath) ? "it is not a folder"
                    : !Files.isRegularFile(modelPath.resolve("config.json")) ? "it has no config.json"
                    : !Files.isRegularFile(modelPath.resolve("tokenizer.json")) ? "it has no tokenizer.json" : null;
            if (problem != null) {
                throw new InvalidSpecException(naming.name(Setting.MODEL_PATH) + " = " + modelPath + ": " + problem + " (seen from "
                        + Path.of("").toAbsolutePath() + "); give a Hugging Face model folder holding config.json,"
                        + " tokenizer.json and the *.safetensors weights, or an Optimum / onnxruntime-genai export.");
            }
            if (mode == StoreMode.RECORD && !modelNameGiven) {
                throw new InvalidSpecException(naming.name(Setting.MODEL_NAME) + " is required to record with the embedded judge:"
                        + " it is the model id in every recorded key, so name the weights you run (e.g. GAIR/autoj-13b for"
                        + " Auto-J-13B in fp32) and replay with the same name.");
            }
        }
        if (classifierModelName != null && (backend != BackendKind.REMOTE || classifierEndpoints.isEmpty())) {
            throw new InvalidSpecException(naming.name(Setting.CLASSIFIER_MODEL_NAME) + " = " + classifierModelName
                    + " needs a remote classifier to run live: set " + naming.name(Setting.CLASSIFIER_ENDPOINTS) + " (or "
                    + naming.name(Setting.ENDPOINTS) + ") to the servers that serve it, or drop it and name scenarios yourself.");
        }
    }

    /**
     * Opens the judge: the store, the back end (a remote client, or the embedded runtime found on the
     * class path), the classifier; then, before the first judgment, the conformance check. The caller
     * closes the judge.
     *
     * @throws InvalidSpecException when a setting cannot be used (e.g. the embedded runtime is missing)
     * @throws dev.autoj.engine.conformance.ConformanceException when the judge does not reproduce Auto-J
     *     and {@link #conformance()} is strict
     */
    public Judge open() {
        Judges.Builder builder = Judges.builder().maxNewTokens(maxNewTokens).mode(mode);
        if (mode == StoreMode.REPLAY && !Files.isDirectory(storeDir)) {
            throw new InvalidSpecException(naming.name(Setting.STORE_DIR) + " = " + storeDir + " is not a folder (seen from "
                    + Path.of("").toAbsolutePath() + "), so it holds no judgments to replay: import the published Auto-J"
                    + " outputs (autoj store import-testbed) or record judgments with " + naming.assign(Setting.MODE, "record")
                    + " first");
        }
        if (mode != StoreMode.LIVE) {
            builder.store(JudgmentStore.open(storeDir));
        }
        Backend judgeBackend = null;
        Backend classifierBackend = null;
        TokenCounter counter = null;
        Judge judge;
        try {
            if (mode == StoreMode.REPLAY) {
                builder.modelId(modelName);
                if (classifierModelName != null) {
                    builder.classifierModelId(classifierModelName);
                }
            } else {
                if (backend == BackendKind.REMOTE) {
                    counter = tokenCounter();
                    builder.contextWindow(contextWindow).tokenCounter(counter);
                }
                judgeBackend = openBackend();
                builder.backend(judgeBackend);
                if (classifierModelName != null) {
                    classifierBackend = remote(classifierEndpoints, classifierModelName, RemoteConfig.DEFAULT_MAX_TOKENS);
                    builder.classifier(classifierBackend);
                }
            }
            judge = builder.build();
        } catch (IllegalArgumentException | IllegalStateException | BackendException e) {
            closeQuietly(judgeBackend, e);
            closeQuietly(classifierBackend, e);
            closeQuietly(counter, e);
            throw e instanceof InvalidSpecException invalid ? invalid
                    : new InvalidSpecException("Cannot build the Auto-J judge (mode " + lower(mode) + ", backend " + lower(backend)
                            + (storeDir != null ? ", store " + storeDir : "") + "): " + e.getMessage(), e);
        }
        try {
            Conformance.beforeFirstJudgment(judgeBackend, mode, conformance);
        } catch (RuntimeException e) {
            closeQuietly(judge, e);
            throw e;
        }
        return judge;
    }

    /** The judge's back end, not yet wrapped in a judge; the caller closes it. Not for replay mode. */
    public Backend openBackend() {
        int budget = Math.max(maxNewTokens, RemoteConfig.DEFAULT_MAX_TOKENS);
        return switch (backend) {
            // With a server command the server starts at the first prompt that needs it (store hits need none), once.
            case REMOTE -> server == null ? remote(endpoints, modelName, budget)
                    : ManagedServer.backend(server, endpoints, chosen -> remote(chosen, modelName, budget));
            case ONNX -> embedded();
        };
    }

    /** One line saying which model runs how, for logs and report headers. */
    public String describe() {
        String where = backend == BackendKind.ONNX ? "the embedded engine (" + modelPath + ")"
                : server != null ? "a server started with " + server.command()
                        + (endpoints.isEmpty() ? "" : " (unless " + endpoints + " already serves it)")
                : String.join(", ", endpoints.stream().map(URI::toString).toList());
        return switch (mode) {
            case LIVE -> modelName + ", live on " + where;
            case RECORD -> modelName + ", record into " + storeDir + " (missing judgments from " + where + ")";
            case REPLAY -> modelName + ", replay from " + storeDir;
        };
    }

    private RemoteBackend remote(List<URI> servers, String model, int maxTokens) {
        return new RemoteBackend(RemoteConfig.builder()
                .endpoints(servers)
                .modelName(model)
                .requestTimeout(timeout)
                .concurrency(concurrency)
                .maxTokens(maxTokens)
                .bearerTokenEnv(tokenEnv)
                .build());
    }

    /** The counter of {@link #tokenizer()}, from the embedded runtime on the class path; null without a tokenizer. */
    private TokenCounter tokenCounter() {
        if (tokenizer == null) {
            return null;
        }
        EmbeddedRuntime runtime = EmbeddedRuntime.find().orElseThrow(() -> new InvalidSpecException(
                naming.name(Setting.TOKENIZER) + " = " + tokenizer + " needs autoj's tokenizer binding, which is not on the class"
                + " path: add the dependency " + EmbeddedRuntime.ARTIFACT + " (it counts with the Hugging Face tokenizers"
                + " library; the judge still runs on the server), or remove " + naming.name(Setting.TOKENIZER) + "."));
        try {
            return runtime.tokenCounter(tokenizer);
        } catch (BackendException e) {
            throw new InvalidSpecException(naming.name(Setting.TOKENIZER) + " = " + tokenizer + ": " + e.getMessage(), e);
        }
    }

    /** The embedded engine; its model id is the configured name when given, else the folder's name. */
    private Backend embedded() {
        EmbeddedRuntime runtime = EmbeddedRuntime.find().orElseThrow(() -> new InvalidSpecException(
                naming.assign(Setting.BACKEND, "onnx") + " needs the embedded engine, which is not on the class path: add the"
                + " dependency " + EmbeddedRuntime.ARTIFACT + " (for CUDA exclude com.microsoft.onnxruntime:onnxruntime from it"
                + " and add com.microsoft.onnxruntime:onnxruntime_gpu), or judge through a server with "
                + naming.assign(Setting.BACKEND, "remote") + "."));
        Backend opened;
        try {
            opened = runtime.open(new EmbeddedRuntime.Model(modelPath, dtype, device,
                    Math.max(maxNewTokens, RemoteConfig.DEFAULT_MAX_TOKENS), cacheDir));
        } catch (BackendException e) {
            throw new InvalidSpecException(naming.name(Setting.MODEL_PATH) + " = " + modelPath + ": the embedded engine cannot"
                    + " load this model: " + e.getMessage() + " Point it at a LLaMA-family Hugging Face folder (config.json,"
                    + " tokenizer.json, *.safetensors) or an Optimum / onnxruntime-genai ONNX export.", e);
        }
        return modelNameGiven ? opened.withModelId(modelName) : opened;
    }

    private static void closeQuietly(AutoCloseable resource, Exception primary) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception closing) {
            primary.addSuppressed(closing);
        }
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a duration: {@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h}, a bare number of seconds, or
     * ISO-8601 such as {@code PT5M}.
     *
     * @throws IllegalArgumentException listing the accepted forms
     */
    public static Duration parseDuration(String text) {
        String value = text == null ? "" : text.strip();
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        Duration d = null;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        } else if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                d = Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (java.time.format.DateTimeParseException notIso) {
                d = null;
            }
        }
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a positive duration; use e.g. 500ms, 90s (seconds are"
                    + " the default unit), 5m, 1h or ISO-8601 PT5M");
        }
        return d;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)?");

    /**
     * Reads one constant of {@code type} by its name in any case, hyphens for underscores.
     *
     * @throws IllegalArgumentException listing the accepted values
     */
    public static <E extends Enum<E>> E parseChoice(String text, Class<E> type) {
        String normalized = text == null ? "" : text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(normalized)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not one of " + choices(type));
    }

    /** The accepted spellings of {@code type}'s constants, e.g. {@code live, record, replay}. */
    public static <E extends Enum<E>> String choices(Class<E> type) {
        return String.join(", ", Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
    }

    /**
     * Reads comma-separated http(s) base URLs.
     *
     * @throws IllegalArgumentException naming the part that is not one
     */
    public static List<URI> parseEndpoints(String text) {
        List<URI> uris = new ArrayList<>();
        for (String part : (text == null ? "" : text).split(",")) {
            String s = part.strip();
            if (s.isEmpty()) {
                continue;
            }
            URI uri = null;
            try {
                uri = URI.create(s);
            } catch (IllegalArgumentException malformed) {
                uri = null;
            }
            if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("\"" + s + "\" is not an http(s) base URL; give comma-separated URLs such"
                        + " as http://judge-1:8000,http://judge-2:8000");
            }
            uris.add(uri);
        }
        return List.copyOf(uris);
    }

    /** Settings of a {@link JudgeSpec}, starting from the defaults of {@link Setting}. Not thread-safe. */
    public static final class Builder {
        private BackendKind backend = BackendKind.REMOTE;
        private List<URI> endpoints = List.of();
        private String modelName = RemoteConfig.DEFAULT_MODEL;
        private boolean modelNameGiven;
        private Path modelPath;
        private Dtype dtype;
        private Device device = Device.AUTO;
        private Path cacheDir;
        private StoreMode mode = StoreMode.LIVE;
        private Path storeDir;
        private int maxNewTokens = 1024;
        private Duration timeout = Duration.ofMinutes(5);
        private int concurrency = 8;
        private String tokenEnv;
        private String classifierModelName;
        private List<URI> classifierEndpoints = List.of();
        private ConformanceMode conformance = ConformanceMode.STRICT;
        private ServerConfig server;
        private Path tokenizer;
        private int contextWindow = DEFAULT_CONTEXT_WINDOW;
        private Naming naming = Naming.KEYS;

        private Builder() {
        }

        public Builder backend(BackendKind value) {
            backend = Objects.requireNonNull(value, "backend");
            return this;
        }

        public Builder endpoints(List<URI> value) {
            endpoints = value == null ? List.of() : List.copyOf(value);
            return this;
        }

        /** The judge model's name; marks it as given (see {@link JudgeSpec#modelNameGiven()}). */
        public Builder modelName(String value) {
            modelName = Objects.requireNonNull(value, "modelName");
            modelNameGiven = true;
            return this;
        }

        public Builder modelPath(Path value) {
            modelPath = value;
            return this;
        }

        public Builder dtype(Dtype value) {
            dtype = value;
            return this;
        }

        public Builder device(Device value) {
            device = Objects.requireNonNull(value, "device");
            return this;
        }

        public Builder cacheDir(Path value) {
            cacheDir = value;
            return this;
        }

        public Builder mode(StoreMode value) {
            mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        public Builder storeDir(Path value) {
            storeDir = value;
            return this;
        }

        public Builder maxNewTokens(int value) {
            maxNewTokens = value;
            return this;
        }

        public Builder timeout(Duration value) {
            timeout = Objects.requireNonNull(value, "timeout");
            return this;
        }

        public Builder concurrency(int value) {
            concurrency = value;
            return this;
        }

        public Builder tokenEnv(String value) {
            tokenEnv = value;
            return this;
        }

        public Builder classifierModelName(String value) {
            classifierModelName = value;
            return this;
        }

        public Builder classifierEndpoints(List<URI> value) {
            classifierEndpoints = value == null ? List.of() : List.copyOf(value);
            return this;
        }

        public Builder conformance(ConformanceMode value) {
            conformance = Objects.requireNonNull(value, "conformance");
            return this;
        }

        /** A judge server to start for the run (remote back end), or null for none. */
        public Builder server(ServerConfig value) {
            server = value;
            return this;
        }

        /** The judge's {@code tokenizer.json} (or its folder), to count prompt tokens before sending; null for none. */
        public Builder tokenizer(Path value) {
            tokenizer = value;
            return this;
        }

        /** The remote judge's context window in tokens (default 4096, Auto-J-13B's). */
        public Builder contextWindow(int value) {
            contextWindow = value;
            return this;
        }

        /** How messages name settings; configuration keys by default. */
        public Builder naming(Naming value) {
            naming = Objects.requireNonNull(value, "naming");
            return this;
        }

        /** The store mode, if set, else the one implied by what is configured: live without a store, record with a store and a back end, replay with a store alone. */
        public Builder impliedMode(boolean modeGiven, StoreMode given) {
            if (modeGiven) {
                return mode(given);
            }
            boolean modelGiven = backend == BackendKind.ONNX ? modelPath != null : !endpoints.isEmpty() || server != null;
            return mode(storeDir == null ? StoreMode.LIVE : modelGiven ? StoreMode.RECORD : StoreMode.REPLAY);
        }

        /**
         * Validates the settings.
         *
         * @throws InvalidSpecException naming the setting, the value and the fix
         */
        public JudgeSpec build() {
            return new JudgeSpec(backend, endpoints, modelName, modelNameGiven, modelPath, dtype, device, cacheDir, mode, storeDir,
                    maxNewTokens, timeout, concurrency, tokenEnv, classifierModelName, classifierEndpoints, conformance, server,
                    tokenizer, contextWindow, naming);
        }

        /** Reads the value of {@code setting} from text, as the configuration gives it. */
        public Builder set(Setting setting, String text) {
            switch (setting) {
                case BACKEND -> backend(parseChoice(text, BackendKind.class));
                case ENDPOINTS -> endpoints(parseEndpoints(text));
                case MODEL_NAME -> modelName(text.strip());
                case MODEL_PATH -> modelPath(Path.of(text.strip()));
                case DTYPE -> dtype(parseChoice(text, Dtype.class));
                case DEVICE -> device(parseChoice(text, Device.class));
                case CACHE_DIR -> cacheDir(Path.of(text.strip()));
                case MODE -> mode(parseChoice(text, StoreMode.class));
                case STORE_DIR -> storeDir(Path.of(text.strip()));
                case MAX_NEW_TOKENS -> maxNewTokens(parseInt(text, 1, 4096));
                case TIMEOUT -> timeout(parseDuration(text));
                case CONCURRENCY -> concurrency(parseInt(text, 1, 1024));
                case TOKEN_ENV -> tokenEnv(text.strip());
                case CLASSIFIER_MODEL_NAME -> classifierModelName(text.strip());
                case CLASSIFIER_ENDPOINTS -> classifierEndpoints(parseEndpoints(text));
                case CONFORMANCE -> conformance(parseChoice(text, ConformanceMode.class));
                case TOKENIZER -> tokenizer(Path.of(text.strip()));
                case CONTEXT_WINDOW -> contextWindow(parseInt(text, 2, 1_048_576));
                case SERVER_COMMAND, SERVER_STARTUP_TIMEOUT, SERVER_DIR -> throw new IllegalStateException(setting
                        + " makes a ServerConfig with the model name, log file and environment: build it and call server(..)");
            }
            return this;
        }

        private static int parseInt(String text, int min, int max) {
            try {
                int n = Integer.parseInt(text.strip());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException notANumber) {
                // reported below with the accepted range
            }
            throw new IllegalArgumentException("\"" + text + "\" is not a whole number from " + min + " to " + max);
        }
    }

    /** The value of {@code setting} in {@code spec}, for "where each came from" logs. */
    public static Optional<String> describe(JudgeSpec spec, Setting setting) {
        Object value = switch (setting) {
            case BACKEND -> lower(spec.backend());
            case ENDPOINTS -> spec.endpoints().isEmpty() ? null : spec.endpoints().toString();
            case MODEL_NAME -> spec.modelName();
            case MODEL_PATH -> spec.modelPath();
            case DTYPE -> spec.dtype() == null ? null : lower(spec.dtype());
            case DEVICE -> lower(spec.device());
            case CACHE_DIR -> spec.cacheDir();
            case MODE -> lower(spec.mode());
            case STORE_DIR -> spec.storeDir();
            case MAX_NEW_TOKENS -> spec.maxNewTokens();
            case TIMEOUT -> spec.timeout();
            case CONCURRENCY -> spec.concurrency();
            case TOKEN_ENV -> spec.tokenEnv();
            case CLASSIFIER_MODEL_NAME -> spec.classifierModelName();
            case CLASSIFIER_ENDPOINTS -> spec.classifierEndpoints().isEmpty() ? null : spec.classifierEndpoints().toString();
            case CONFORMANCE -> lower(spec.conformance());
            case SERVER_COMMAND -> spec.server() == null ? null : spec.server().command();
            case SERVER_STARTUP_TIMEOUT -> spec.server() == null ? null : spec.server().startupTimeout();
            case SERVER_DIR -> spec.server() == null ? null : spec.server().directory();
            case TOKENIZER -> spec.tokenizer();
            case CONTEXT_WINDOW -> spec.contextWindow();
        };
        return Optional.ofNullable(value).map(String::valueOf);
    }
}
