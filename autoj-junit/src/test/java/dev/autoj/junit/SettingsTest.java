package dev.autoj.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.assertions.PositionPolicy;
import dev.autoj.engine.JudgeSpec;
import dev.autoj.engine.Setting;
import dev.autoj.engine.SettingText;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.store.StoreMode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @TempDir
    Path dir;

    private static Settings read(Map<String, String> parameters, Map<String, String> env) {
        return read(parameters, env, Map.of());
    }

    /** {@code parameters} play launcher parameters / -D; {@code file} plays junit-platform.properties. */
    private static Settings read(Map<String, String> parameters, Map<String, String> env, Map<String, String> file) {
        return Settings.read(new Settings.Sources() {
            @Override
            public Optional<String> parameter(String key) {
                // JUnit's configuration parameters hold the file's values too, below launcher parameters.
                return Optional.ofNullable(parameters.getOrDefault(key, file.get(key)));
            }

            @Override
            public String environment(String name) {
                return env.get(name);
            }

            @Override
            public Map<String, String> file() {
                return file;
            }

            @Override
            public Set<String> parameterKeys() {
                return parameters.keySet();
            }

            @Override
            public Set<String> environmentNames() {
                return env.keySet();
            }
        });
    }

    @Test
    void anInconclusiveSetLevelDecisionAbortsUnlessConfiguredToFail() {
        Map<String, String> replay = Map.of("autoj.mode", "replay", "autoj.store.dir", dir.toString());
        assertThat(read(replay, Map.of()).inconclusive()).isEqualTo(Settings.Inconclusive.ABORT);
        assertThat(read(with(replay, "autoj.inconclusive", "fail"), Map.of()).inconclusive()).isEqualTo(Settings.Inconclusive.FAIL);
        assertThatThrownBy(() -> read(with(replay, "autoj.inconclusive", "skip"), Map.of()))
                .hasMessage("Invalid autoj configuration: autoj.inconclusive = \"skip\". Accepted values: abort, fail.");
    }

    @Test
    void theTokenizerAndContextWindowKeysReachTheJudgeAndABadWindowIsRefusedNamingTheKey() throws Exception {
        java.nio.file.Path tokenizer = java.nio.file.Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Settings s = read(Map.of("autoj.endpoints", "http://judge:8000", "autoj.tokenizer", tokenizer.toString()),
                Map.of("AUTOJ_CONTEXT_WINDOW", "8192"));
        assertThat(s.judge().tokenizer()).isEqualTo(tokenizer);
        assertThat(s.judge().contextWindow()).isEqualTo(8192);
        assertThat(s.origins()).containsEntry("autoj.context-window", "8192 (from AUTOJ_CONTEXT_WINDOW)");
        assertThat(read(Map.of("autoj.endpoints", "http://judge:8000"), Map.of()).judge().contextWindow()).isEqualTo(4096);
        assertThatThrownBy(() -> read(Map.of("autoj.endpoints", "http://judge:8000", "autoj.context-window", "512"), Map.of()))
                .hasMessageContaining("autoj.context-window (or AUTOJ_CONTEXT_WINDOW) must be a whole number of tokens larger"
                        + " than autoj.max-new-tokens (or AUTOJ_MAX_NEW_TOKENS) (1024)");
        assertThatThrownBy(() -> read(Map.of("autoj.endpoints", "http://judge:8000", "autoj.context-window", "big"), Map.of()))
                .hasMessageContaining("autoj.context-window = \"big\". Accepted values:");
    }

    @Test
    void defaultsNeedOnlyEndpointsForALiveRemoteJudge() {
        Settings s = read(Map.of("autoj.endpoints", "http://judge-1:8000, http://judge-2:8000"), Map.of());
        JudgeSpec j = s.judge();
        assertThat(j.backend()).isEqualTo(JudgeSpec.BackendKind.REMOTE);
        assertThat(j.endpoints()).containsExactly(URI.create("http://judge-1:8000"), URI.create("http://judge-2:8000"));
        assertThat(j.modelName()).isEqualTo("GAIR/autoj-13b");
        assertThat(j.mode()).isEqualTo(StoreMode.LIVE);
        assertThat(s.positionPolicy()).isEqualTo(PositionPolicy.BOTH);
        assertThat(j.maxNewTokens()).isEqualTo(1024);
        assertThat(j.timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(j.concurrency()).isEqualTo(8);
        assertThat(j.device()).isEqualTo(Device.AUTO);
        assertThat(s.report()).isEqualTo(Settings.Report.AUTO);
        assertThat(s.summaryDir()).isEqualTo(Path.of("target/autoj"));
        assertThat(s.warnings()).isEmpty();
    }

    @Test
    void configurationParametersWinOverTheEnvironmentWhichWinsOverDefaults() {
        Settings s = read(Map.of("autoj.mode", "record", "autoj.endpoints", "http://a:1"),
                Map.of("AUTOJ_MODE", "replay", "AUTOJ_POSITION_POLICY", "first-only", "AUTOJ_STORE_DIR", "judgments",
                        "AUTOJ_MAX_NEW_TOKENS", "512", "AUTOJ_TIMEOUT", "500ms", "AUTOJ_MODEL_NAME", "my/judge"));
        assertThat(s.judge().mode()).isEqualTo(StoreMode.RECORD);
        assertThat(s.positionPolicy()).isEqualTo(PositionPolicy.FIRST_ONLY);
        assertThat(s.judge().storeDir()).isEqualTo(Path.of("judgments"));
        assertThat(s.judge().maxNewTokens()).isEqualTo(512);
        assertThat(s.judge().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.judge().modelName()).isEqualTo("my/judge");
        assertThat(s.origins()).containsEntry("autoj.mode", "record (from autoj.mode)")
                .containsEntry("autoj.timeout", "500ms (from AUTOJ_TIMEOUT)");
    }

    @Test
    void anEnvironmentVariableBeatsTheCommittedJunitPlatformProperties() {
        Settings s = read(Map.of(), Map.of("AUTOJ_MODE", "record", "AUTOJ_ENDPOINTS", "http://judge:8000"),
                Map.of("autoj.mode", "replay", "autoj.store.dir", dir.toString()));
        assertThat(s.judge().mode()).isEqualTo(StoreMode.RECORD);
        assertThat(s.judge().storeDir()).isEqualTo(dir);
        assertThat(s.origins()).containsEntry("autoj.mode", "record (from AUTOJ_MODE)")
                .containsEntry("autoj.store.dir", dir + " (from autoj.store.dir in junit-platform.properties)");
    }

    @Test
    void aMisspeltKeyIsWarnedWithItsClosestKnownKey() {
        Settings s = read(Map.of("autoj.mdoe", "record", "autoj.mode", "replay", "autoj.store.dir", dir.toString()),
                Map.of("AUTOJ_CONFORMENCE", "off"), Map.of("autoj.endpionts", "http://x:1"));
        assertThat(s.warnings()).containsExactlyInAnyOrder(
                "autoj configuration: unknown key autoj.endpionts is ignored; did you mean autoj.endpoints?",
                "autoj configuration: unknown key autoj.mdoe is ignored; did you mean autoj.mode?",
                "autoj configuration: unknown environment variable AUTOJ_CONFORMENCE is ignored; did you mean AUTOJ_CONFORMANCE?");
    }

    @Test
    void anOldSpellingStillWorksWithOneDeprecationWarning() {
        Settings s = read(Map.of("autoj.mode", "replay", "autoj.store.dir", dir.toString(), "autoj.model-name", "my/judge"), Map.of());
        assertThat(s.judge().modelName()).isEqualTo("my/judge");
        assertThat(s.warnings()).containsExactly(
                "autoj configuration: autoj.model-name is a deprecated spelling; use autoj.model.name instead");
    }

    @Test
    void durationsReadTheShortFormsAndIso8601() {
        assertThat(SettingText.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(SettingText.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(SettingText.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(SettingText.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(SettingText.parseDuration("PT5M")).isEqualTo(Duration.ofMinutes(5));
        assertThat(read(Map.of("autoj.mode", "replay", "autoj.store.dir", dir.toString(), "autoj.timeout", "pt2m"), Map.of())
                .judge().timeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void replayNeedsNoBackendSettings() {
        Settings s = read(Map.of("autoj.mode", "replay", "autoj.store.dir", dir.toString()), Map.of());
        assertThat(s.judge().endpoints()).isEmpty();
        assertThat(s.judge().storeDir()).isEqualTo(dir);
    }

    @Test
    void replayFromAFolderThatIsNotThereIsRefusedNamingItWhenTheJudgeOpens() {
        JudgeSpec spec = read(Map.of("autoj.mode", "replay", "autoj.store.dir", dir.resolve("gone").toString()), Map.of()).judge();
        assertThatThrownBy(spec::open)
                .hasMessageContaining("autoj.store.dir (or AUTOJ_STORE_DIR) = " + dir.resolve("gone") + " is not a folder");
    }

    @Test
    void everyInvalidValueNamesItsKeyItsSourceAndTheAcceptedValues() {
        Map<String, String> replay = Map.of("autoj.mode", "replay", "autoj.store.dir", dir.toString());
        assertThatThrownBy(() -> read(Map.of("autoj.backend", "gpu"), Map.of()))
                .hasMessage("Invalid autoj configuration: autoj.backend = \"gpu\". Accepted values: remote, onnx.");
        assertThatThrownBy(() -> read(replay, Map.of("AUTOJ_POSITION_POLICY", "majority")))
                .hasMessage("Invalid autoj configuration: AUTOJ_POSITION_POLICY = \"majority\". Accepted values: both, either, first-only.");
        assertThatThrownBy(() -> read(with(replay, "autoj.concurrency", "0"), Map.of()))
                .hasMessageContaining("autoj.concurrency = \"0\". Accepted values: a whole number from 1 to 1024.");
        assertThatThrownBy(() -> read(with(replay, "autoj.timeout", "soon"), Map.of()))
                .hasMessageContaining("autoj.timeout = \"soon\". Accepted values: a positive duration");
        assertThatThrownBy(() -> read(Map.of("autoj.endpoints", "judge:8000"), Map.of()))
                .hasMessageContaining("autoj.endpoints = \"judge:8000\". Accepted values: comma-separated http(s) base URLs");
        assertThatThrownBy(() -> read(with(replay, "autoj.device", "tpu"), Map.of()))
                .hasMessageContaining("Accepted values: auto, cpu, cuda.");
        assertThatThrownBy(() -> read(with(replay, "autoj.report", "html"), Map.of()))
                .hasMessageContaining("Accepted values: auto, allure, junit, both.");
        assertThatThrownBy(() -> read(with(replay, "autoj.conformance", "lax"), Map.of()))
                .hasMessageContaining("autoj.conformance = \"lax\". Accepted values: strict, warn, off.");
    }

    @Test
    void classifierUsesTheJudgeEndpointsUnlessItHasItsOwn() {
        Settings shared = read(Map.of("autoj.endpoints", "http://judge:8000",
                "autoj.classifier.model.name", "GAIR/autoj-scenario-classifier"), Map.of());
        assertThat(shared.judge().classifierModelName()).isEqualTo("GAIR/autoj-scenario-classifier");
        assertThat(shared.judge().classifierEndpoints()).containsExactly(URI.create("http://judge:8000"));
        Settings own = read(Map.of("autoj.endpoints", "http://judge:8000"),
                Map.of("AUTOJ_CLASSIFIER_MODEL_NAME", "clf", "AUTOJ_CLASSIFIER_ENDPOINTS", "http://clf:8001"));
        assertThat(own.judge().classifierEndpoints()).containsExactly(URI.create("http://clf:8001"));
        Map<String, String> replay = Map.of("autoj.mode", "replay", "autoj.store.dir", dir.toString());
        assertThat(read(replay, Map.of()).judge().classifierModelName()).isNull();
        assertThatThrownBy(() -> read(with(replay, "autoj.classifier.endpoints", "http://clf:8001"), Map.of()))
                .hasMessageContaining("autoj.classifier.endpoints (or AUTOJ_CLASSIFIER_ENDPOINTS) is set but"
                        + " autoj.classifier.model.name (or AUTOJ_CLASSIFIER_MODEL_NAME) is not");
    }

    @Test
    void liveOnnxNeedsAModelPath() {
        assertThatThrownBy(() -> read(Map.of("autoj.backend", "onnx"), Map.of()))
                .hasMessageContaining("autoj.model.path (or AUTOJ_MODEL_PATH) is required for the embedded judge in mode live");
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertThat(Setting.STORE_DIR.environment()).isEqualTo("AUTOJ_STORE_DIR");
        assertThat(Setting.MODEL_NAME.environment()).isEqualTo("AUTOJ_MODEL_NAME");
        assertThat(Setting.MODEL_PATH.property()).isEqualTo("autoj.model.path");
        assertThat(Setting.MODEL_NAME.property()).isEqualTo("autoj.model.name");
    }

    @Test
    void theEmbeddedEngineNeedsACheckpointFolderAndANameToRecordUnder() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Settings live = read(Map.of("autoj.backend", "onnx", "autoj.model.path", dir.toString(), "autoj.dtype", "FP16"), Map.of());
        assertThat(live.judge().dtype()).isEqualTo(Dtype.FP16);
        assertThat(live.judge().modelNameGiven()).isFalse();
        assertThat(read(Map.of("autoj.backend", "onnx", "autoj.model.path", dir.toString(), "autoj.mode", "record",
                "autoj.model.name", "autoj-13b-fp16"), Map.of()).judge().modelNameGiven()).isTrue();
        assertThatThrownBy(() -> read(Map.of("autoj.backend", "onnx", "autoj.model.path", dir.toString(), "autoj.mode", "record"),
                Map.of())).hasMessageContaining("autoj.model.name (or AUTOJ_MODEL_NAME) is required to record with the embedded judge");
        assertThatThrownBy(() -> read(Map.of("autoj.backend", "onnx", "autoj.model.path", dir.toString(), "autoj.dtype", "int3"),
                Map.of())).hasMessage("Invalid autoj configuration: autoj.dtype = \"int3\". Accepted values: fp32, fp16, int4.");
        assertThatThrownBy(() -> read(Map.of("autoj.backend", "onnx"), Map.of("AUTOJ_MODEL_PATH", dir.resolve("x").toString())))
                .hasMessageContaining("autoj.model.path (or AUTOJ_MODEL_PATH) = " + dir.resolve("x") + ": it is not a folder");
    }

    @Test
    void closestKeyIsByEditDistance() {
        assertThat(Settings.distance("mdoe", "mode")).isEqualTo(2);
        assertThat(Settings.distance("conformence", "conformance")).isEqualTo(1);
        assertThat(Settings.distance("", "abc")).isEqualTo(3);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        var copy = new java.util.HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    @Test
    void aServerCommandIsEnoughForALiveRemoteJudgeAndCarriesItsTimeoutFolderEnvironmentAndLog() {
        Settings s = read(Map.of(
                        "autoj.server.command", "vllm serve GAIR/autoj-13b --max-model-len 4096 --port {port}",
                        "autoj.server.startup-timeout", "20m",
                        "autoj.server.dir", ".",
                        "autoj.server.env.CUDA_VISIBLE_DEVICES", "0"),
                Map.of("AUTOJ_SERVER_ENV_HF_HOME", "/cache/hf"));
        assertThat(s.judge().endpoints()).isEmpty();
        assertThat(s.judge().server().command()).isEqualTo("vllm serve GAIR/autoj-13b --max-model-len 4096 --port {port}");
        assertThat(s.judge().server().modelName()).isEqualTo("GAIR/autoj-13b");
        assertThat(s.judge().server().startupTimeout()).isEqualTo(Duration.ofMinutes(20));
        assertThat(s.judge().server().directory()).isEqualTo(Path.of("."));
        assertThat(s.judge().server().environment()).isEqualTo(Map.of("CUDA_VISIBLE_DEVICES", "0", "HF_HOME", "/cache/hf"));
        assertThat(s.judge().server().logFile()).isEqualTo(Path.of("target/autoj/judge-server.log"));
        assertThat(s.warnings()).isEmpty();
        assertThat(read(Map.of("autoj.endpoints", "http://a:1"), Map.of()).judge().server()).isNull();
    }

    @Test
    void aServerCommandThatCannotWorkIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> read(Map.of("autoj.server.command", "vllm serve GAIR/autoj-13b"), Map.of()))
                .hasMessageStartingWith("Invalid autoj configuration: autoj.server.command = \"vllm serve GAIR/autoj-13b\":")
                .hasMessageContaining("has no {port}");
        assertThatThrownBy(() -> read(Map.of(), Map.of("AUTOJ_SERVER_COMMAND", "vllm serve 'GAIR/autoj-13b --port {port}")))
                .hasMessageStartingWith("Invalid autoj configuration: AUTOJ_SERVER_COMMAND = ")
                .hasMessageContaining("unterminated ' quote");
        assertThatThrownBy(() -> read(Map.of("autoj.server.command", "vllm serve x --port {port}", "autoj.server.dir", "no/such/folder"),
                Map.of())).hasMessageContaining("autoj.server.dir = \"no/such/folder\". Accepted values: an existing folder");
        assertThatThrownBy(() -> read(Map.of("autoj.backend", "onnx", "autoj.model.path", "x", "autoj.mode", "replay",
                "autoj.server.command", "vllm serve x --port {port}"), Map.of()))
                .hasMessageContaining("autoj.server.command (or AUTOJ_SERVER_COMMAND) starts a completions server, which"
                        + " autoj.backend=onnx does not use");
        assertThatThrownBy(() -> read(Map.of("autoj.endpoints", "http://a:1", "autoj.server.dir", "."), Map.of()))
                .hasMessageContaining("but autoj.server.command is not");
    }

    @Test
    void theRunServersIdleTimeoutIsFiveMinutesOrAPositiveDurationAndABadOneIsRefusedNamingTheKey() {
        assertThat(read(Map.of("autoj.mode", "replay"), Map.of()).serverIdleTimeout()).isEqualTo(java.time.Duration.ofMinutes(5));
        Settings set = read(Map.of("autoj.mode", "replay"), Map.of("AUTOJ_SERVER_IDLE_TIMEOUT", "90s"));
        assertThat(set.serverIdleTimeout()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(set.origins()).containsEntry("autoj.server.idle-timeout", "90s (from AUTOJ_SERVER_IDLE_TIMEOUT)");
        assertThatThrownBy(() -> read(Map.of("autoj.mode", "replay", "autoj.server.idle-timeout", "soon"), Map.of()))
                .hasMessageStartingWith("Invalid autoj configuration: autoj.server.idle-timeout = \"soon\". Accepted values: a positive"
                        + " duration such as 5m, 90s or PT1H");
        assertThat(read(Map.of("autoj.mode", "replay", "autoj.server.idle-timout", "1m"), Map.of()).warnings())
                .anyMatch(w -> w.contains("did you mean autoj.server.idle-timeout"));
    }
}
