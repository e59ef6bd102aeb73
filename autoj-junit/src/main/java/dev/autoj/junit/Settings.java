package dev.autoj.junit;

import dev.autoj.assertions.PositionPolicy;
import dev.autoj.engine.JudgeSpec;
import dev.autoj.engine.SettingText;
import dev.autoj.engine.Setting;
import dev.autoj.engine.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The validated {@code autoj.*} configuration of one test run: the engine's {@link JudgeSpec} (one
 * settings→judge path, shared with the CLI) and what only the extension uses. Every value is read
 * once, at the edge; a bad value fails with the key, where it came from, the value and the accepted
 * values; an unknown {@code autoj.*} key is named with the closest known one.
 *
 * <p>Precedence, highest first: a launcher parameter or {@code -D} system property, then the
 * {@code AUTOJ_*} environment, then {@code junit-platform.properties}, then the default — so an
 * environment variable set for one CI job beats a committed file.
 *
 * @param judge the judge's settings
 * @param positionPolicy how both orders of a pairwise judgment decide
 * @param report where judgments are reported
 * @param summaryDir where the run summary is written
 * @param inconclusive what an inconclusive set-level decision does to its test
 * @param runId {@code autoj.run.id}: {@code auto} (the forks of one Maven build are one run), {@code none}
 *     (each JUnit launch is its own run) or an explicit run id; see {@link RunId}
 * @param serverIdleTimeout {@code autoj.server.idle-timeout}: how long a run's shared judge server (managed, or the
 *     embedded engine served for the forks) is kept with no test JVM of the run using it
 * @param serverStartupTimeout {@code autoj.server.startup-timeout}: how long a run's server may take to load the model
 * @param origins each judge setting's effective value and where it came from, for the start log
 * @param warnings unknown or deprecated keys, one line each
 */
record Settings(JudgeSpec judge, PositionPolicy positionPolicy, Report report, Path summaryDir, Inconclusive inconclusive,
        String runId, Duration serverIdleTimeout, Duration serverStartupTimeout, Map<String, String> origins,
        List<String> warnings) {

    /** Where judgments are reported: {@code auto} = Allure when on the classpath, else JUnit report entries. */
    enum Report { AUTO, ALLURE, JUNIT, BOTH }

    /** What an inconclusive set-level decision (assertThatCandidates) does to its test. */
    enum Inconclusive { ABORT, FAIL }

    /** The extension's own keys, with their defaults (the judge's are {@link Setting}). */
    enum Key {
        POSITION_POLICY("position-policy", "both"),
        REPORT("report", "auto"),
        SUMMARY_DIR("summary.dir", "target/autoj"),
        INCONCLUSIVE("inconclusive", "abort"),
        RUN_ID("run.id", RunId.AUTO),
        SERVER_IDLE_TIMEOUT("server.idle-timeout", "5m");

        final String suffix;
        final String defaultValue;

        Key(String suffix, String defaultValue) {
            this.suffix = suffix;
            this.defaultValue = defaultValue;
        }

        String property() {
            return Setting.PREFIX + suffix;
        }

        String environment() {
            return Setting.environmentOf(suffix);
        }
    }

    /** The same settings with another judge (a fork's view of the run's shared server and conformance check). */
    Settings withJudge(JudgeSpec other) {
        return new Settings(other, positionPolicy, report, summaryDir, inconclusive, runId, serverIdleTimeout, serverStartupTimeout,
                origins, warnings);
    }

    /** The extension's default store folder, relative to the project: committed with the tests. */
    static final String DEFAULT_STORE_DIR = "src/test/resources/autoj-store";

    /**
     * Keys read elsewhere, known so that they are not reported as unknown: the managed server's
     * environment ({@code autoj.server.env.*}) and this repository's own test infrastructure.
     */
    private static final List<String> OTHER_KEYS = List.of("server.env.", "shared.dir", "jar", "bigModelTest");

    /** The configuration as read from the run: launcher/{@code -D}, environment, {@code junit-platform.properties}. */
    interface Sources {
        /** A launcher parameter or system property (JUnit's configuration parameters). */
        Optional<String> parameter(String key);

        /** An environment variable. */
        String environment(String name);

        /** The test class path's {@code junit-platform.properties}. */
        Map<String, String> file();

        /** Every {@code autoj.*} key given as a system property (launcher parameters cannot be listed). */
        Set<String> parameterKeys();

        /** Every environment variable name. */
        Set<String> environmentNames();
    }

    /** A configuration value that cannot be used; the message names the key and the accepted values. */
    static final class InvalidSettingsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidSettingsException(String message) {
            super(message);
        }
    }

    /**
     * Reads every key.
     *
     * @throws InvalidSettingsException naming the key, where it came from, the value and the accepted values
     */
    static Settings read(Sources sources) {
        List<String> warnings = new ArrayList<>(unknownKeys(sources));
        Map<String, String> origins = new LinkedHashMap<>();
        JudgeSpec.Builder spec = JudgeSpec.builder();
        boolean storeGiven = false;
        String modelName = Setting.MODEL_NAME.defaultValue();
        for (Setting setting : Setting.values()) {
            if (SERVER.contains(setting)) {
                continue;
            }
            Optional<Value> value = lookup(sources, setting.key(), warnings);
            for (String old : setting.oldKeys()) {
                if (value.isEmpty()) {
                    value = lookup(sources, old, warnings);
                    value.ifPresent(v -> warnings.add("autoj configuration: " + v.origin() + " is a deprecated spelling; use "
                            + (v.origin().startsWith("AUTOJ_") ? setting.environment() : setting.property()) + " instead"));
                }
            }
            if (value.isEmpty()) {
                continue;
            }
            Value v = value.get();
            storeGiven |= setting == Setting.STORE_DIR;
            if (setting == Setting.MODEL_NAME) {
                modelName = v.text();
            }
            try {
                spec.set(setting, v.text());
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingsException("Invalid autoj configuration: " + v.origin() + " = \"" + v.text()
                        + "\". Accepted values: " + accepted(setting, e) + ".");
            }
            origins.put(setting.property(), v.text() + " (from " + v.origin() + ")");
        }
        if (!storeGiven) {
            spec.storeDir(Path.of(DEFAULT_STORE_DIR));
        }
        Path summaryDir = Path.of(lookup(sources, Key.SUMMARY_DIR.suffix, warnings).map(Value::text).orElse(Key.SUMMARY_DIR.defaultValue));
        spec.server(server(sources, warnings, modelName, summaryDir, origins));
        JudgeSpec judge;
        try {
            judge = spec.build();
        } catch (JudgeSpec.InvalidSpecException e) {
            throw new InvalidSettingsException("Invalid autoj configuration: " + e.getMessage());
        }
        Value policy = lookupOrDefault(sources, Key.POSITION_POLICY.suffix, Key.POSITION_POLICY.defaultValue, warnings);
        PositionPolicy positionPolicy = PositionPolicy.find(policy.text()).orElseThrow(() -> invalid(policy,
                String.join(", ", Arrays.stream(PositionPolicy.values()).map(PositionPolicy::configName).toList())));
        Report report = choice(lookupOrDefault(sources, Key.REPORT.suffix, Key.REPORT.defaultValue, warnings), Report.class);
        Inconclusive inconclusive = choice(lookupOrDefault(sources, Key.INCONCLUSIVE.suffix, Key.INCONCLUSIVE.defaultValue, warnings),
                Inconclusive.class);
        String runId = lookup(sources, Key.RUN_ID.suffix, warnings).map(Value::text).orElse(Key.RUN_ID.defaultValue);
        Optional<Value> idleValue = lookup(sources, Key.SERVER_IDLE_TIMEOUT.suffix, warnings);
        Duration idle = duration(
                idleValue.orElseGet(() -> Value.byDefault(Key.SERVER_IDLE_TIMEOUT.suffix, Key.SERVER_IDLE_TIMEOUT.defaultValue)),
                "a positive duration such as 5m, 90s or PT1H (how long the run's judge server is kept with no test JVM using it)");
        idleValue.ifPresent(v -> origins.put(Key.SERVER_IDLE_TIMEOUT.property(), v.text() + " (from " + v.origin() + ")"));
        Duration startup = serverStartupTimeout(sources, warnings);
        return new Settings(judge, positionPolicy, report, summaryDir, inconclusive, runId, idle, startup, Map.copyOf(origins),
                List.copyOf(warnings));
    }

    private static Duration duration(Value value, String accepted) {
        try {
            return SettingText.parseDuration(value.text());
        } catch (IllegalArgumentException e) {
            throw invalid(value, accepted);
        }
    }

    /** {@code autoj.server.startup-timeout}, read for the settings and for the managed server's config alike. */
    private static Duration serverStartupTimeout(Sources sources, List<String> warnings) {
        return duration(lookupOrDefault(sources, Setting.SERVER_STARTUP_TIMEOUT.key(), Setting.SERVER_STARTUP_TIMEOUT.defaultValue(),
                warnings), "a positive duration such as 20m or PT20M");
    }

    /** One of an enum's values, e.g. {@code auto} for {@link Report#AUTO}; another value is refused, listing the accepted ones. */
    private static <E extends Enum<E>> E choice(Value value, Class<E> type) {
        try {
            return SettingText.parseChoice(value.text(), type);
        } catch (IllegalArgumentException e) {
            throw invalid(value, SettingText.choices(type));
        }
    }

    /** Reads the run's own sources: JUnit's configuration parameters, the environment, {@code junit-platform.properties}. */
    static Settings read(Function<String, Optional<String>> parameters, Function<String, String> environment,
            Map<String, String> file, Set<String> environmentNames) {
        return read(new Sources() {
            @Override
            public Optional<String> parameter(String key) {
                return parameters.apply(key);
            }

            @Override
            public String environment(String name) {
                return environment.apply(name);
            }

            @Override
            public Map<String, String> file() {
                return file;
            }

            @Override
            public Set<String> parameterKeys() {
                return System.getProperties().stringPropertyNames();
            }

            @Override
            public Set<String> environmentNames() {
                return environmentNames;
            }
        });
    }

    private record Value(String text, String origin) {

        /** A key's default, its origin the key marked "(default)", e.g. {@code autoj.report (default)}. */
        static Value byDefault(String suffix, String text) {
            return new Value(text, Setting.PREFIX + suffix + " (default)");
        }
    }

    private static final Set<Setting> SERVER = Set.of(Setting.SERVER_COMMAND, Setting.SERVER_STARTUP_TIMEOUT, Setting.SERVER_DIR);

    /** The prefix of the managed server's environment variables: {@code autoj.server.env.NAME} / {@code AUTOJ_SERVER_ENV_NAME}. */
    private static final String SERVER_ENV = "server.env.";

    /**
     * The managed judge server, or null without {@code autoj.server.command}. Its log goes to the summary
     * folder; its environment is {@code autoj.server.env.NAME} for each such key that can be listed
     * (system properties, {@code junit-platform.properties}, {@code AUTOJ_SERVER_ENV_*}).
     */
    private static ServerConfig server(Sources sources, List<String> warnings, String modelName, Path summaryDir,
            Map<String, String> origins) {
        Set<String> names = new TreeSet<>();
        Stream.concat(sources.parameterKeys().stream(), sources.file().keySet().stream())
                .filter(k -> k.startsWith(Setting.PREFIX + SERVER_ENV) && k.length() > (Setting.PREFIX + SERVER_ENV).length())
                .forEach(k -> names.add(k.substring((Setting.PREFIX + SERVER_ENV).length())));
        String envPrefix = Setting.environmentOf(SERVER_ENV);
        sources.environmentNames().stream().filter(n -> n.startsWith(envPrefix) && n.length() > envPrefix.length())
                .forEach(n -> names.add(n.substring(envPrefix.length())));
        Map<String, String> variables = new LinkedHashMap<>();
        for (String name : names) {
            String key = Setting.PREFIX + SERVER_ENV + name;
            String value = sources.parameter(key).orElse(sources.file().get(key));
            if (value == null) {
                value = sources.environment(envPrefix + name);
            }
            if (value != null) {
                variables.put(name, value);
            }
        }
        Optional<Value> command = lookup(sources, Setting.SERVER_COMMAND.key(), warnings);
        Optional<Value> dir = lookup(sources, Setting.SERVER_DIR.key(), warnings);
        if (command.isEmpty()) {
            if (!variables.isEmpty() || dir.isPresent()) {
                throw new InvalidSettingsException("Invalid autoj configuration: " + (variables.isEmpty() ? dir.get().origin()
                        : "autoj.server.env.* (" + variables.keySet() + ")") + " is set but " + Setting.SERVER_COMMAND.property()
                        + " is not, so no judge server is started and it would be ignored: set " + Setting.SERVER_COMMAND.property()
                        + ", or remove it.");
            }
            return null;
        }
        Duration timeout = serverStartupTimeout(sources, warnings);
        Path folder = dir.map(v -> Path.of(v.text())).orElse(null);
        if (folder != null && !Files.isDirectory(folder)) {
            throw invalid(dir.get(), "an existing folder to run the server command in (seen from " + Path.of("").toAbsolutePath() + ")");
        }
        origins.put(Setting.SERVER_COMMAND.property(), command.get().text() + " (from " + command.get().origin() + ")");
        try {
            return new ServerConfig(command.get().text(), modelName, timeout, variables, folder, summaryDir.resolve("judge-server.log"));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingsException("Invalid autoj configuration: " + command.get().origin() + " = \""
                    + command.get().text() + "\": " + e.getMessage() + ".");
        }
    }

    /**
     * One key's value by precedence. JUnit's configuration parameters also hold the file's values; a
     * parameter equal to the file's value and not a system property is taken as the file's, so the
     * environment beats it.
     */
    private static Optional<Value> lookup(Sources sources, String suffix, List<String> warnings) {
        String property = Setting.PREFIX + suffix;
        String env = Setting.environmentOf(suffix);
        Optional<String> parameter = sources.parameter(property).map(String::strip).filter(v -> !v.isEmpty());
        String fileValue = Optional.ofNullable(sources.file().get(property)).map(String::strip).orElse(null);
        boolean fromFile = parameter.isPresent() && parameter.get().equals(fileValue) && System.getProperty(property) == null;
        if (parameter.isPresent() && !fromFile) {
            return Optional.of(new Value(parameter.get(), property));
        }
        String envValue = sources.environment(env);
        if (envValue != null && !envValue.isBlank()) {
            return Optional.of(new Value(envValue.strip(), env));
        }
        if (fileValue != null && !fileValue.isEmpty()) {
            return Optional.of(new Value(fileValue, property + " in junit-platform.properties"));
        }
        return Optional.empty();
    }

    /** One key's value by precedence, or its default. */
    private static Value lookupOrDefault(Sources sources, String suffix, String defaultValue, List<String> warnings) {
        return lookup(sources, suffix, warnings).orElseGet(() -> Value.byDefault(suffix, defaultValue));
    }

    private static String accepted(Setting setting, IllegalArgumentException e) {
        return switch (setting) {
            case BACKEND -> SettingText.choices(JudgeSpec.BackendKind.class);
            case DTYPE -> SettingText.choices(dev.autoj.engine.backend.Dtype.class);
            case DEVICE -> SettingText.choices(dev.autoj.engine.backend.Device.class);
            case MODE -> SettingText.choices(dev.autoj.engine.store.StoreMode.class);
            case CONFORMANCE -> SettingText.choices(dev.autoj.engine.conformance.ConformanceMode.class);
            case TIMEOUT -> "a positive duration such as 500ms, 90s (seconds are the default unit), 5m, 1h or PT5M";
            case MAX_NEW_TOKENS, CONCURRENCY -> "a whole number from " + setting.range();
            case ENDPOINTS, CLASSIFIER_ENDPOINTS -> "comma-separated http(s) base URLs such as http://judge-1:8000,http://judge-2:8000 ("
                    + e.getMessage().substring(0, e.getMessage().indexOf(" is not")) + " is not one)";
            default -> e.getMessage();
        };
    }

    private static InvalidSettingsException invalid(Value value, String accepted) {
        return new InvalidSettingsException("Invalid autoj configuration: " + value.origin() + " = \"" + value.text()
                + "\". Accepted values: " + accepted + ".");
    }

    /** Every key suffix the extension knows, current and deprecated. */
    static Set<String> knownKeys() {
        Set<String> known = new TreeSet<>();
        for (Setting s : Setting.values()) {
            known.add(s.key());
            known.addAll(s.oldKeys());
        }
        for (Key k : Key.values()) {
            known.add(k.suffix);
        }
        known.addAll(OTHER_KEYS);
        return known;
    }

    private static boolean isKnown(String suffix, Set<String> known) {
        return known.contains(suffix) || known.stream().anyMatch(k -> k.endsWith(".") && suffix.startsWith(k));
    }

    /** One warning per unknown key, naming the closest known one. */
    private static List<String> unknownKeys(Sources sources) {
        Set<String> known = knownKeys();
        Map<String, String> envForms = new LinkedHashMap<>();
        for (String k : known) {
            envForms.put(Setting.environmentOf(k), k);
        }
        List<String> warnings = new ArrayList<>();
        Stream.concat(sources.parameterKeys().stream(), sources.file().keySet().stream())
                .filter(k -> k.startsWith(Setting.PREFIX)).distinct().sorted()
                .map(k -> k.substring(Setting.PREFIX.length()))
                .filter(suffix -> !isKnown(suffix, known))
                .forEach(suffix -> warnings.add("autoj configuration: unknown key " + Setting.PREFIX + suffix
                        + " is ignored; did you mean " + Setting.PREFIX + closest(suffix, known) + "?"));
        sources.environmentNames().stream().filter(n -> n.startsWith("AUTOJ_")).sorted()
                .filter(n -> !envForms.containsKey(n) && envForms.keySet().stream().noneMatch(e -> e.endsWith("_") && n.startsWith(e)))
                .forEach(n -> warnings.add("autoj configuration: unknown environment variable " + n + " is ignored; did you mean "
                        + Setting.environmentOf(closest(n.substring(6).toLowerCase(Locale.ROOT).replace('_', '.'), known)) + "?"));
        return warnings;
    }

    private static String closest(String suffix, Set<String> known) {
        return known.stream().filter(k -> !k.endsWith("."))
                .min(Comparator.comparingInt((String k) -> distance(normalize(suffix), normalize(k))).thenComparing(k -> k))
                .orElseThrow();
    }

    private static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace('-', '.').replace('_', '.');
    }

    /** Levenshtein distance: the number of single-character edits between two keys. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                row[j] = Math.min(substitution, Math.min(previous[j], row[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = row;
            row = swap;
        }
        return previous[b.length()];
    }
}
