package dev.autoj.engine;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.Sampling;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.engine.conformance.ConformanceMode;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.internal.Components;
import dev.autoj.engine.internal.JudgeFactory;
import dev.autoj.engine.server.ManagedServer;
import dev.autoj.engine.server.ServerConfig;
import dev.autoj.engine.store.StoreMode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

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
 * @param sampling the judge's sampling ({@link Sampling#PROMETHEUS_LIBRARY} for Prometheus 2 through a server), or null
 *     for greedy decoding (the default)
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
        Sampling sampling,
        Naming naming) {

    /** The back ends a judge can run on. */
    public enum BackendKind {
        /** An OpenAI-compatible completions server: vLLM, TGI, llama.cpp server, Ollama. */
        REMOTE,
        /** The embedded engine ({@code dev.autoj:autoj-onnx}), running a model folder in this JVM. */
        ONNX
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

    /**
     * A setting that cannot be used; the message names it (as the user sets it, through the spec's {@link Naming}),
     * the value and the fix, and {@link #setting()} says which one it is.
     */
    public static final class InvalidSpecException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final transient Setting setting;

        public InvalidSpecException(String message) {
            this(null, message, null);
        }

        public InvalidSpecException(String message, Throwable cause) {
            this(null, message, cause);
        }

        public InvalidSpecException(Setting setting, String message) {
            this(setting, message, null);
        }

        public InvalidSpecException(Setting setting, String message, Throwable cause) {
            super(message, cause);
            this.setting = setting;
        }

        /** The setting the message is about, or null when it is about the whole spec. */
        public Setting setting() {
            return setting;
        }
    }

    public JudgeSpec {
        Components.requireNonNull("backend device mode timeout conformance naming modelName",
                backend, device, mode, timeout, conformance, naming, modelName);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        classifierEndpoints = classifierEndpoints == null || classifierEndpoints.isEmpty() ? endpoints : List.copyOf(classifierEndpoints);
        validate(backend, endpoints, modelNameGiven, modelPath, mode, storeDir, maxNewTokens, timeout, concurrency,
                classifierModelName, classifierEndpoints, server, naming);
        SpecChecks.counting(backend, modelName, mode, tokenizer, contextWindow, maxNewTokens, naming);
        SpecChecks.sampling(backend, modelName, sampling, naming);
    }

    /**
     * Auto-J-13B's context window (LLaMA-2): prompt and generated tokens together; the default for Auto-J
     * (another family's default is its own, {@link dev.autoj.engine.family.JudgeFamily#defaultContextWindow()}).
     */
    public static final int DEFAULT_CONTEXT_WINDOW = 4096;

    /** A builder holding the defaults of {@link Setting}; messages name configuration keys unless told otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (Setting setting : Setting.values()) {
            setting.copy(this, b);
        }
        b.modelNameGiven = modelNameGiven;
        b.naming = naming;
        return b;
    }

    private static void validate(BackendKind backend, List<URI> endpoints, boolean modelNameGiven, Path modelPath, StoreMode mode,
            Path storeDir, int maxNewTokens, Duration timeout, int concurrency, String classifierModelName,
            List<URI> classifierEndpoints, ServerConfig server, Naming naming) {
        String modeName = lower(mode);
        if (server != null && backend != BackendKind.REMOTE) {
            throw new InvalidSpecException(Setting.SERVER_COMMAND,
                    naming.name(Setting.SERVER_COMMAND) + " starts a completions server, which "
                    + naming.assign(Setting.BACKEND, lower(backend)) + " does not use: set " + naming.assign(Setting.BACKEND, "remote")
                    + ", or remove " + naming.name(Setting.SERVER_COMMAND) + ".");
        }
        if (!Setting.MAX_NEW_TOKENS.range().contains(maxNewTokens)) {
            throw new InvalidSpecException(Setting.MAX_NEW_TOKENS,
                    naming.name(Setting.MAX_NEW_TOKENS) + " must be a whole number from "
                    + Setting.MAX_NEW_TOKENS.range() + ", got "
                    + maxNewTokens + " (Auto-J's setting is " + GenerationRequest.AUTOJ_MAX_NEW_TOKENS + ")");
        }
        if (!Setting.CONCURRENCY.range().contains(concurrency)) {
            throw new InvalidSpecException(Setting.CONCURRENCY, naming.name(Setting.CONCURRENCY) + " must be a whole number from "
                    + Setting.CONCURRENCY.range() + ", got "
                    + concurrency);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidSpecException(Setting.TIMEOUT,
                    naming.name(Setting.TIMEOUT) + " must be a positive duration, got " + timeout);
        }
        if (mode != StoreMode.LIVE && storeDir == null) {
            throw new InvalidSpecException(Setting.MODE, naming.assign(Setting.MODE, modeName) + " needs a judgment store: set "
                    + naming.name(Setting.STORE_DIR) + " to its folder");
        }
        if (classifierModelName == null && classifierEndpoints != endpoints && !classifierEndpoints.isEmpty()) {
            throw new InvalidSpecException(Setting.CLASSIFIER_ENDPOINTS,
                    naming.name(Setting.CLASSIFIER_ENDPOINTS) + " is set but "
                    + naming.name(Setting.CLASSIFIER_MODEL_NAME) + " is not: name the scenario-classifier model the endpoints"
                    + " serve, e.g. GAIR/autoj-scenario-classifier.");
        }
        if (mode == StoreMode.REPLAY) {
            return;
        }
        if (backend == BackendKind.REMOTE && endpoints.isEmpty() && server == null) {
            throw new InvalidSpecException(Setting.ENDPOINTS,
                    naming.name(Setting.ENDPOINTS) + " is required for a remote judge in mode " + modeName
                    + ": give one or more base URLs separated by commas, e.g. http://judge-1:8000,http://judge-2:8000; or start"
                    + " a judge server for the run with " + naming.assign(Setting.SERVER_COMMAND,
                            "\"vllm serve GAIR/autoj-13b --port {port}\"") + "; or set "
                    + naming.assign(Setting.MODE, "replay") + " to judge from recorded judgments only.");
        }
        if (backend == BackendKind.ONNX) {
            if (modelPath == null) {
                throw new InvalidSpecException(Setting.MODEL_PATH,
                        naming.name(Setting.MODEL_PATH) + " is required for the embedded judge in mode "
                        + modeName + ": give the Hugging Face folder of the Auto-J checkpoint (config.json, tokenizer.json,"
                        + " *.safetensors); or set " + naming.assign(Setting.MODE, "replay") + ".");
            }
            String problem = !Files.isDirectory(modelPath) ? "it is not a folder"
                    : !Files.isRegularFile(modelPath.resolve("config.json")) ? "it has no config.json"
                    : !Files.isRegularFile(modelPath.resolve("tokenizer.json")) ? "it has no tokenizer.json" : null;
            if (problem != null) {
                throw new InvalidSpecException(Setting.MODEL_PATH,
                        naming.name(Setting.MODEL_PATH) + " = " + modelPath + ": " + problem + " (seen from "
                        + Path.of("").toAbsolutePath() + "); give a Hugging Face model folder holding config.json,"
                        + " tokenizer.json and the *.safetensors weights, or an Optimum / onnxruntime-genai export.");
            }
            if (mode == StoreMode.RECORD && !modelNameGiven) {
                throw new InvalidSpecException(Setting.MODEL_NAME,
                        naming.name(Setting.MODEL_NAME) + " is required to record with the embedded judge:"
                        + " it is the model id in every recorded key, so name the weights you run (e.g. GAIR/autoj-13b for"
                        + " Auto-J-13B in fp32) and replay with the same name.");
            }
        }
        if (classifierModelName != null && (backend != BackendKind.REMOTE || classifierEndpoints.isEmpty())) {
            throw new InvalidSpecException(Setting.CLASSIFIER_MODEL_NAME,
                    naming.name(Setting.CLASSIFIER_MODEL_NAME) + " = " + classifierModelName
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
        return JudgeFactory.open(this);
    }

    /** The judge's back end, not yet wrapped in a judge; the caller closes it. Not for replay mode. */
    public Backend openBackend() {
        return JudgeFactory.openBackend(this);
    }

    /**
     * The budget the back end is opened with: the judge's, and never below Auto-J's, so the classifier's and
     * the conformance check's requests fit the same back end.
     */
    public int backendBudget() {
        return Math.max(maxNewTokens, GenerationRequest.AUTOJ_MAX_NEW_TOKENS);
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

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
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
        private int maxNewTokens = GenerationRequest.AUTOJ_MAX_NEW_TOKENS;
        private Duration timeout = Duration.ofMinutes(5);
        private int concurrency = 8;
        private String tokenEnv;
        private String classifierModelName;
        private List<URI> classifierEndpoints = List.of();
        private ConformanceMode conformance = ConformanceMode.STRICT;
        private ServerConfig server;
        private Path tokenizer;
        private int contextWindow;
        private Sampling sampling;
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

        /** Prometheus 2's library sampling through a server ({@link Sampling#PROMETHEUS_LIBRARY}), or null for greedy (the default). */
        public Builder sampling(Sampling value) {
            sampling = value;
            return this;
        }

        /**
         * The remote judge's context window in tokens; by default the judge family's ({@code 4096} for Auto-J,
         * LLaMA-2's; {@code 32768} for Prometheus 2, Mistral v0.2's), so a Prometheus prompt longer than 4096
         * tokens is not refused by Auto-J's window.
         */
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
                    tokenizer, contextWindow > 0 ? contextWindow : JudgeFamilies.judging(modelName).defaultContextWindow(),
                    sampling, naming);
        }

        /** Reads the value of {@code setting} from text, as the configuration gives it. */
        public Builder set(Setting setting, String text) {
            setting.set(this, text);
            return this;
        }
    }

    /** The value of {@code setting} in {@code spec}, for "where each came from" logs. */
    public static Optional<String> describe(JudgeSpec spec, Setting setting) {
        return setting.describe(spec);
    }
}
