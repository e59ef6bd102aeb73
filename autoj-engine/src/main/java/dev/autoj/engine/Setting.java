package dev.autoj.engine;

import dev.autoj.engine.JudgeSpec.BackendKind;
import dev.autoj.engine.JudgeSpec.Builder;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.engine.conformance.ConformanceMode;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.store.StoreMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;

/**
 * One setting of a {@link JudgeSpec}, declared once: its configuration key ({@code autoj.} + {@link #key()}; dots
 * for hierarchy, hyphens inside words), its environment form, its default, its command-line option, how text
 * becomes its value ({@link #set}), how a spec shows it ({@link #describe}) and how {@link JudgeSpec#toBuilder()}
 * copies it. Older spellings of the key still work with one deprecation warning each.
 *
 * <p>Adding a setting: a component of {@link JudgeSpec} (with its builder setter) and one constant here.
 */
public enum Setting {
    BACKEND("backend", "remote", "--backend", (b, t) -> b.backend(SettingText.parseChoice(t, BackendKind.class)),
            s -> lower(s.backend()), (s, b) -> b.backend(s.backend())),
    ENDPOINTS("endpoints", null, "--endpoint", (b, t) -> b.endpoints(SettingText.parseEndpoints(t)),
            s -> s.endpoints().isEmpty() ? null : s.endpoints().toString(), (s, b) -> b.endpoints(s.endpoints())),
    MODEL_NAME("model.name", RemoteConfig.DEFAULT_MODEL, "--model-name", (b, t) -> b.modelName(t.strip()),
            JudgeSpec::modelName, (s, b) -> b.modelName(s.modelName()), "model-name"),
    MODEL_PATH("model.path", null, "--model", (b, t) -> b.modelPath(Path.of(t.strip())), JudgeSpec::modelPath,
            (s, b) -> b.modelPath(s.modelPath())),
    DTYPE("dtype", null, "--dtype", (b, t) -> b.dtype(SettingText.parseChoice(t, Dtype.class)),
            s -> s.dtype() == null ? null : lower(s.dtype()), (s, b) -> b.dtype(s.dtype())),
    DEVICE("device", "auto", "--device", (b, t) -> b.device(SettingText.parseChoice(t, Device.class)), s -> lower(s.device()),
            (s, b) -> b.device(s.device())),
    CACHE_DIR("model.cache-dir", null, "--cache-dir", (b, t) -> b.cacheDir(Path.of(t.strip())), JudgeSpec::cacheDir,
            (s, b) -> b.cacheDir(s.cacheDir()), "onnx.cache-dir"),
    MODE("mode", "live", "--mode", (b, t) -> b.mode(SettingText.parseChoice(t, StoreMode.class)), s -> lower(s.mode()),
            (s, b) -> b.mode(s.mode())),
    STORE_DIR("store.dir", null, "--store", (b, t) -> b.storeDir(Path.of(t.strip())), JudgeSpec::storeDir,
            (s, b) -> b.storeDir(s.storeDir())),
    MAX_NEW_TOKENS("max-new-tokens", String.valueOf(GenerationRequest.AUTOJ_MAX_NEW_TOKENS), "--max-new-tokens", new Range(1, 4096),
            Builder::maxNewTokens, JudgeSpec::maxNewTokens, (s, b) -> b.maxNewTokens(s.maxNewTokens())),
    TIMEOUT("timeout", "5m", "--timeout", (b, t) -> b.timeout(SettingText.parseDuration(t)), JudgeSpec::timeout,
            (s, b) -> b.timeout(s.timeout())),
    CONCURRENCY("concurrency", "8", "--concurrency", new Range(1, 1024), Builder::concurrency, JudgeSpec::concurrency,
            (s, b) -> b.concurrency(s.concurrency())),
    TOKEN_ENV("token-env", null, "--token-env", (b, t) -> b.tokenEnv(t.strip()), JudgeSpec::tokenEnv,
            (s, b) -> b.tokenEnv(s.tokenEnv())),
    CLASSIFIER_MODEL_NAME("classifier.model.name", null, "--classifier-model-name", (b, t) -> b.classifierModelName(t.strip()),
            JudgeSpec::classifierModelName, (s, b) -> b.classifierModelName(s.classifierModelName()), "classifier.model-name"),
    CLASSIFIER_ENDPOINTS("classifier.endpoints", null, "--classifier-endpoint",
            (b, t) -> b.classifierEndpoints(SettingText.parseEndpoints(t)),
            s -> s.classifierEndpoints().isEmpty() ? null : s.classifierEndpoints().toString(),
            // The judge's endpoints stand in when none are given; a copy keeps following the judge's.
            (s, b) -> b.classifierEndpoints(s.classifierEndpoints() == s.endpoints() ? List.of() : s.classifierEndpoints())),
    CONFORMANCE("conformance", "strict", "--conformance", (b, t) -> b.conformance(SettingText.parseChoice(t, ConformanceMode.class)),
            s -> lower(s.conformance()), (s, b) -> b.conformance(s.conformance())),
    SERVER_COMMAND("server.command", null, "--server-command", null,
            s -> s.server() == null ? null : s.server().command(), (s, b) -> b.server(s.server())),
    SERVER_STARTUP_TIMEOUT("server.startup-timeout", "15m", "--server-startup-timeout", null,
            s -> s.server() == null ? null : s.server().startupTimeout(), (s, b) -> { }),
    SERVER_DIR("server.dir", null, "the shell's working folder", null,
            s -> s.server() == null ? null : s.server().directory(), (s, b) -> { }),
    TOKENIZER("tokenizer", null, "--tokenizer", (b, t) -> b.tokenizer(Path.of(t.strip())), JudgeSpec::tokenizer,
            (s, b) -> b.tokenizer(s.tokenizer())),
    CONTEXT_WINDOW("context-window", String.valueOf(JudgeSpec.DEFAULT_CONTEXT_WINDOW), "--context-window", new Range(2, 1_048_576),
            Builder::contextWindow, JudgeSpec::contextWindow, (s, b) -> {
                // the family's default is not copied as if given: a copy that changes the model gets the new family's
                if (s.contextWindow() != JudgeFamilies.judging(s.modelName()).defaultContextWindow()) {
                    b.contextWindow(s.contextWindow());
                }
            }),
    SAMPLING("sampling", "greedy", "--sampling", (b, t) -> b.sampling(SettingText.parseSampling(t)),
            s -> SettingText.samplingName(s.sampling()), (s, b) -> b.sampling(s.sampling()));

    /** The prefix of every configuration key. */
    public static final String PREFIX = "autoj.";

    private final String key;
    private final String defaultValue;
    private final String option;
    private final Range range;
    private final BiConsumer<Builder, String> parser;
    private final Function<JudgeSpec, Object> accessor;
    private final BiConsumer<JudgeSpec, Builder> copier;
    private final List<String> oldKeys;

    Setting(String key, String defaultValue, String option, BiConsumer<Builder, String> parser, Function<JudgeSpec, Object> accessor,
            BiConsumer<JudgeSpec, Builder> copier, String... oldKeys) {
        this(key, defaultValue, option, null, parser, accessor, copier, oldKeys);
    }

    Setting(String key, String defaultValue, String option, Range range, ObjIntConsumer<Builder> setter,
            Function<JudgeSpec, Object> accessor, BiConsumer<JudgeSpec, Builder> copier) {
        this(key, defaultValue, option, range, wholeNumber(setter, range), accessor, copier, new String[0]);
    }

    private Setting(String key, String defaultValue, String option, Range range, BiConsumer<Builder, String> parser,
            Function<JudgeSpec, Object> accessor, BiConsumer<JudgeSpec, Builder> copier, String... oldKeys) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.option = option;
        this.range = range;
        this.parser = parser;
        this.accessor = accessor;
        this.copier = copier;
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

    /** The judge command's option for this setting, e.g. {@code --store}. */
    public String option() {
        return option;
    }

    /** The whole numbers this setting accepts, or null when it is not a number. */
    public Range range() {
        return range;
    }

    /** Reads this setting's value from text, as the configuration gives it, into {@code builder}. */
    public void set(Builder builder, String text) {
        if (parser == null) {
            throw new IllegalStateException(this + " makes a ServerConfig with the model name, log file and environment: build it"
                    + " and call server(..)");
        }
        parser.accept(builder, text);
    }

    /** This setting's value in {@code spec}, for "where each came from" logs. */
    public Optional<String> describe(JudgeSpec spec) {
        return Optional.ofNullable(accessor.apply(spec)).map(String::valueOf);
    }

    /** Copies this setting's value from {@code spec} into {@code builder}. */
    void copy(JudgeSpec spec, Builder builder) {
        copier.accept(spec, builder);
    }

    /** The environment form of a key suffix, e.g. {@code AUTOJ_STORE_DIR} for {@code store.dir}. */
    public static String environmentOf(String key) {
        return "AUTOJ_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static BiConsumer<Builder, String> wholeNumber(ObjIntConsumer<Builder> setter, Range range) {
        return (builder, text) -> setter.accept(builder, SettingText.parseInt(text, range.min(), range.max()));
    }

    /** A range of whole numbers, both ends included. */
    public record Range(int min, int max) {
        /** Whether {@code value} is in the range. */
        public boolean contains(int value) {
            return value >= min && value <= max;
        }

        /** E.g. {@code 1 to 4096}. */
        @Override
        public String toString() {
            return min + " to " + max;
        }
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
