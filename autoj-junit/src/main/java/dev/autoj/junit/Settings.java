package dev.autoj.junit;

import dev.autoj.assertions.PositionPolicy;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.conformance.ConformanceMode;
import dev.autoj.engine.server.ServerConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated {@code autoj.*} configuration of one test run. Every value is read once, at the
 * edge: a bad value fails with the key, the value and the accepted values. Values without a default
 * ({@code dtype}: the checkpoint decides; {@code onnxCacheDir}, {@code modelPath}, …) are null when unset.
 * {@code server} is the managed judge server ({@code autoj.server.*}), null without {@code autoj.server.command}.
 */
record Settings(
        Backend backend,
        List<URI> endpoints,
        String modelName,
        boolean modelNameSet,
        Path modelPath,
        Device device,
        Dtype dtype,
        Path onnxCacheDir,
        Mode mode,
        Path storeDir,
        PositionPolicy positionPolicy,
        int maxNewTokens,
        Duration timeout,
        int concurrency,
        Report report,
        Path summaryDir,
        String tokenEnv,
        String classifierModelName,
        List<URI> classifierEndpoints,
        ConformanceMode conformance,
        ServerConfig server) {

    static final String PREFIX = "autoj.";

    enum Backend { REMOTE, ONNX }

    enum Mode { LIVE, RECORD, REPLAY }

    /** Where judgments are reported: {@code auto} = Allure when on the classpath, else JUnit report entries. */
    enum Report { AUTO, ALLURE, JUNIT, BOTH }

    /** Every key with its default, as documented in docs/junit-extension.md. */
    enum Key {
        BACKEND("backend", "remote"),
        ENDPOINTS("endpoints", null),
        MODEL_NAME("model-name", "GAIR/autoj-13b"),
        MODEL_PATH("model.path", null),
        DEVICE("device", "auto"),
        DTYPE("dtype", null),
        ONNX_CACHE_DIR("onnx.cache-dir", null),
        MODE("mode", "live"),
        STORE_DIR("store.dir", "src/test/resources/autoj-store"),
        POSITION_POLICY("position-policy", "both"),
        MAX_NEW_TOKENS("max-new-tokens", "1024"),
        TIMEOUT("timeout", "120s"),
        CONCURRENCY("concurrency", "8"),
        REPORT("report", "auto"),
        SUMMARY_DIR("summary.dir", "target/autoj"),
        TOKEN_ENV("token-env", null),
        CLASSIFIER_MODEL_NAME("classifier.model-name", null),
        CLASSIFIER_ENDPOINTS("classifier.endpoints", null),
        CONFORMANCE("conformance", "strict"),
        SERVER_COMMAND("server.command", null),
        SERVER_STARTUP_TIMEOUT("server.startup-timeout", "15m"),
        SERVER_DIR("server.dir", null);

        final String suffix;
        final String defaultValue;

        Key(String suffix, String defaultValue) {
            this.suffix = suffix;
            this.defaultValue = defaultValue;
        }

        /** The configuration-parameter / system-property form, e.g. {@code autoj.store.dir}. */
        String property() {
            return PREFIX + suffix;
        }

        /** The environment form, e.g. {@code AUTOJ_STORE_DIR}. */
        String environment() {
            return "AUTOJ_" + suffix.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    /**
     * Reads every key: first {@code parameters} (JUnit configuration parameters, which already
     * cover launcher parameters, then system properties, then {@code junit-platform.properties}),
     * then the {@code AUTOJ_*} environment, then the default.
     *
     * @throws InvalidSettingsException naming the key, where it came from, the value and the accepted values
     */
    static Settings read(Function<String, Optional<String>> parameters, Function<String, String> environment) {
        return read(parameters, environment, ServerEnvironment.visibleNames());
    }

    /** As {@link #read(Function, Function)}, with the variable names that {@code autoj.server.env.NAME} may set. */
    static Settings read(Function<String, Optional<String>> parameters, Function<String, String> environment,
                         Set<String> serverEnvironmentNames) {
        Source source = new Source(parameters, environment);
        Backend backend = source.choice(Key.BACKEND, Backend.class);
        Mode mode = source.choice(Key.MODE, Mode.class);
        List<URI> endpoints = source.endpoints(Key.ENDPOINTS);
        String classifierModel = source.text(Key.CLASSIFIER_MODEL_NAME);
        List<URI> classifierEndpoints = source.endpoints(Key.CLASSIFIER_ENDPOINTS);
        if (classifierEndpoints.isEmpty()) {
            classifierEndpoints = endpoints;
        }
        if (classifierModel == null && !source.endpoints(Key.CLASSIFIER_ENDPOINTS).isEmpty()) {
            throw new InvalidSettingsException(Key.CLASSIFIER_ENDPOINTS.property() + " is set but "
                    + Key.CLASSIFIER_MODEL_NAME.property() + " (or " + Key.CLASSIFIER_MODEL_NAME.environment()
                    + ") is not: name the scenario-classifier model the endpoints serve, e.g. GAIR/autoj-scenario-classifier.");
        }
        Path modelPath = source.path(Key.MODEL_PATH);
        ServerConfig server = source.server(serverEnvironmentNames, backend);
        if (mode != Mode.REPLAY && backend == Backend.REMOTE && endpoints.isEmpty() && server == null) {
            throw new InvalidSettingsException(Key.ENDPOINTS.property() + " (or " + Key.ENDPOINTS.environment()
                    + ") is required for autoj.backend=remote in mode " + mode.name().toLowerCase(Locale.ROOT)
                    + ": give one or more base URLs separated by commas, e.g. http://judge-1:8000,http://judge-2:8000; "
                    + "or start a judge server for the run with autoj.server.command (e.g. vllm serve GAIR/autoj-13b --port {port}); "
                    + "or set autoj.mode=replay to judge from recorded judgments only.");
        }
        if (mode != Mode.REPLAY && backend == Backend.ONNX) {
            if (modelPath == null) {
                throw new InvalidSettingsException(Key.MODEL_PATH.property() + " (or " + Key.MODEL_PATH.environment()
                        + ") is required for autoj.backend=onnx in mode " + mode.name().toLowerCase(Locale.ROOT)
                        + ": give the Hugging Face folder of the Auto-J checkpoint (config.json, tokenizer.json, *.safetensors);"
                        + " or set autoj.mode=replay.");
            }
            source.checkpointFolder(Key.MODEL_PATH);
            if (mode == Mode.RECORD && !source.isSet(Key.MODEL_NAME)) {
                throw new InvalidSettingsException(Key.MODEL_NAME.property() + " (or " + Key.MODEL_NAME.environment()
                        + ") is required to record with autoj.backend=onnx: it is the model id in every recorded key, so"
                        + " name the weights you run (e.g. GAIR/autoj-13b for Auto-J-13B in fp32) and replay with the same name.");
            }
        }
        return new Settings(backend, endpoints, source.text(Key.MODEL_NAME), source.isSet(Key.MODEL_NAME), modelPath,
                source.choice(Key.DEVICE, Device.class), source.optionalChoice(Key.DTYPE, Dtype.class), source.path(Key.ONNX_CACHE_DIR),
                mode, source.path(Key.STORE_DIR),
                source.positionPolicy(), source.integer(Key.MAX_NEW_TOKENS, 1, 4096), source.duration(Key.TIMEOUT),
                source.integer(Key.CONCURRENCY, 1, 1024), source.choice(Key.REPORT, Report.class),
                source.path(Key.SUMMARY_DIR), source.text(Key.TOKEN_ENV), classifierModel, classifierEndpoints,
                source.choice(Key.CONFORMANCE, ConformanceMode.class), server);
    }

    /** A configuration value that cannot be used; the message names the key and the accepted values. */
    static final class InvalidSettingsException extends RuntimeException {
        InvalidSettingsException(String message) {
            super(message);
        }
    }

    private static final class Source {
        private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

        private final Function<String, Optional<String>> parameters;
        private final Function<String, String> environment;

        Source(Function<String, Optional<String>> parameters, Function<String, String> environment) {
            this.parameters = parameters;
            this.environment = environment;
        }

        /** The raw value and where it came from, or the default. */
        private Optional<String[]> raw(Key key) {
            Optional<String> parameter = parameters.apply(key.property()).map(String::strip).filter(v -> !v.isEmpty());
            if (parameter.isPresent()) {
                return Optional.of(new String[] {parameter.get(), key.property()});
            }
            String env = environment.apply(key.environment());
            if (env != null && !env.isBlank()) {
                return Optional.of(new String[] {env.strip(), key.environment()});
            }
            return Optional.ofNullable(key.defaultValue).map(d -> new String[] {d, key.property() + " (default)"});
        }

        private InvalidSettingsException invalid(String[] value, String accepted) {
            return new InvalidSettingsException("Invalid autoj configuration: " + value[1] + " = \"" + value[0]
                    + "\". Accepted values: " + accepted + ".");
        }

        /** Whether the key was given (as a parameter or in the environment) rather than defaulted. */
        boolean isSet(Key key) {
            return raw(key).map(v -> !v[1].endsWith("(default)")).orElse(false);
        }

        /** A folder the embedded engine can load: it exists and holds config.json and tokenizer.json. */
        void checkpointFolder(Key key) {
            String[] value = raw(key).orElseThrow();
            Path folder = Path.of(value[0]);
            String problem = !Files.isDirectory(folder) ? "it is not a folder"
                    : !Files.isRegularFile(folder.resolve("config.json")) ? "it has no config.json"
                    : !Files.isRegularFile(folder.resolve("tokenizer.json")) ? "it has no tokenizer.json" : null;
            if (problem != null) {
                throw new InvalidSettingsException("Invalid autoj configuration: " + value[1] + " = \"" + value[0] + "\" ("
                        + problem + ", seen from " + Path.of("").toAbsolutePath() + "). Accepted values: a Hugging Face"
                        + " model folder holding config.json, tokenizer.json and the *.safetensors weights.");
            }
        }

        String text(Key key) {
            return raw(key).map(v -> v[0]).orElse(null);
        }

        Path path(Key key) {
            return raw(key).map(v -> Path.of(v[0])).orElse(null);
        }

        /** A choice without a default: null when the key is not set. */
        <E extends Enum<E>> E optionalChoice(Key key, Class<E> type) {
            return raw(key).isPresent() ? choice(key, type) : null;
        }

        <E extends Enum<E>> E choice(Key key, Class<E> type) {
            String[] value = raw(key).orElseThrow();
            String normalized = value[0].toUpperCase(Locale.ROOT).replace('-', '_');
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(normalized)) {
                    return constant;
                }
            }
            throw invalid(value, names(type));
        }

        PositionPolicy positionPolicy() {
            String[] value = raw(Key.POSITION_POLICY).orElseThrow();
            return PositionPolicy.find(value[0]).orElseThrow(() -> invalid(value,
                    String.join(", ", Arrays.stream(PositionPolicy.values()).map(PositionPolicy::configName).toList())));
        }

        int integer(Key key, int min, int max) {
            String[] value = raw(key).orElseThrow();
            try {
                int n = Integer.parseInt(value[0]);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException notANumber) {
                // reported below with the accepted range
            }
            throw invalid(value, "a whole number from " + min + " to " + max);
        }

        Duration duration(Key key) {
            String[] value = raw(key).orElseThrow();
            Matcher m = DURATION.matcher(value[0].toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                Duration d = switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofSeconds(n);
                };
                if (!d.isZero()) {
                    return d;
                }
            }
            throw invalid(value, "a positive duration such as 500ms, 90s (seconds are the default unit), 5m or 1h");
        }

        /**
         * The managed judge server, or null without autoj.server.command. Its log goes to the summary folder; its
         * environment is autoj.server.env.NAME (or AUTOJ_SERVER_ENV_NAME) for each of {@code names} that is set.
         */
        ServerConfig server(Set<String> names, Backend backend) {
            Map<String, String> variables = new LinkedHashMap<>();
            for (String name : names) {
                String value = parameters.apply(ServerEnvironment.PROPERTY_PREFIX + name).orElse(null);
                if (value == null) {
                    value = environment.apply(ServerEnvironment.ENVIRONMENT_PREFIX + name);
                }
                if (value != null) {
                    variables.put(name, value);
                }
            }
            String[] command = raw(Key.SERVER_COMMAND).orElse(null);
            if (command == null) {
                if (!variables.isEmpty() || isSet(Key.SERVER_DIR)) {
                    throw new InvalidSettingsException("autoj.server.env.* / " + Key.SERVER_DIR.property() + " are set ("
                            + (variables.isEmpty() ? Key.SERVER_DIR.property() : "variables " + variables.keySet()) + ") but "
                            + Key.SERVER_COMMAND.property() + " is not, so no judge server is started and they would be ignored:"
                            + " set autoj.server.command, or remove them.");
                }
                return null;
            }
            if (backend != Backend.REMOTE) {
                throw new InvalidSettingsException(command[1] + " starts a completions server, which autoj.backend="
                        + backend.name().toLowerCase(Locale.ROOT) + " does not use: set autoj.backend=remote, or remove "
                        + Key.SERVER_COMMAND.property() + ".");
            }
            Path dir = path(Key.SERVER_DIR);
            if (dir != null && !Files.isDirectory(dir)) {
                throw invalid(raw(Key.SERVER_DIR).orElseThrow(), "an existing folder to run the server command in (seen from "
                        + Path.of("").toAbsolutePath() + ")");
            }
            Path summary = path(Key.SUMMARY_DIR);
            try {
                return new ServerConfig(command[0], text(Key.MODEL_NAME), duration(Key.SERVER_STARTUP_TIMEOUT), variables, dir,
                        summary.resolve("judge-server.log"));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingsException("Invalid autoj configuration: " + command[1] + " = \"" + command[0] + "\": "
                        + e.getMessage() + ".");
            }
        }

        List<URI> endpoints(Key key) {
            Optional<String[]> value = raw(key);
            if (value.isEmpty()) {
                return List.of();
            }
            List<URI> uris = new ArrayList<>();
            for (String part : value.get()[0].split(",")) {
                String s = part.strip();
                if (s.isEmpty()) {
                    continue;
                }
                try {
                    URI uri = URI.create(s);
                    if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                        uris.add(uri);
                        continue;
                    }
                } catch (IllegalArgumentException malformed) {
                    // reported below with the accepted form
                }
                throw invalid(value.get(), "comma-separated http(s) base URLs such as http://judge-1:8000,http://judge-2:8000 ("
                        + "\"" + s + "\" is not one)");
            }
            return List.copyOf(uris);
        }

        private static <E extends Enum<E>> String names(Class<E> type) {
            return String.join(", ", Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
        }
    }
}
