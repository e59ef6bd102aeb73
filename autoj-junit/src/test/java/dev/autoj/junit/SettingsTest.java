package dev.autoj.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.assertions.PositionPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private static Settings read(Map<String, String> parameters, Map<String, String> env) {
        return Settings.read(key -> Optional.ofNullable(parameters.get(key)), env::get);
    }

    @Test
    void defaultsNeedOnlyEndpointsForALiveRemoteJudge() {
        Settings s = read(Map.of("autoj.endpoints", "http://judge-1:8000, http://judge-2:8000"), Map.of());
        assertThat(s.backend()).isEqualTo(Settings.Backend.REMOTE);
        assertThat(s.endpoints()).containsExactly(URI.create("http://judge-1:8000"), URI.create("http://judge-2:8000"));
        assertThat(s.modelName()).isEqualTo("GAIR/autoj-13b");
        assertThat(s.mode()).isEqualTo(Settings.Mode.LIVE);
        assertThat(s.positionPolicy()).isEqualTo(PositionPolicy.BOTH);
        assertThat(s.maxNewTokens()).isEqualTo(1024);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(s.concurrency()).isEqualTo(8);
        assertThat(s.device()).isEqualTo(dev.autoj.engine.backend.Device.AUTO);
        assertThat(s.report()).isEqualTo(Settings.Report.AUTO);
        assertThat(s.summaryDir()).isEqualTo(Path.of("target/autoj"));
    }

    @Test
    void configurationParametersWinOverTheEnvironmentWhichWinsOverDefaults() {
        Settings s = read(Map.of("autoj.mode", "record", "autoj.endpoints", "http://a:1"),
                Map.of("AUTOJ_MODE", "replay", "AUTOJ_POSITION_POLICY", "first-only", "AUTOJ_STORE_DIR", "judgments",
                        "AUTOJ_MAX_NEW_TOKENS", "512", "AUTOJ_TIMEOUT", "500ms", "AUTOJ_MODEL_NAME", "my/judge"));
        assertThat(s.mode()).isEqualTo(Settings.Mode.RECORD);
        assertThat(s.positionPolicy()).isEqualTo(PositionPolicy.FIRST_ONLY);
        assertThat(s.storeDir()).isEqualTo(Path.of("judgments"));
        assertThat(s.maxNewTokens()).isEqualTo(512);
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.modelName()).isEqualTo("my/judge");
    }

    @Test
    void replayNeedsNoBackendSettings() {
        Settings s = read(Map.of("autoj.mode", "replay", "autoj.store.dir", "src/test/autoj"), Map.of());
        assertThat(s.endpoints()).isEmpty();
        assertThat(s.storeDir()).isEqualTo(Path.of("src/test/autoj"));
    }

    @Test
    void everyInvalidValueNamesItsKeyItsSourceAndTheAcceptedValues() {
        assertThatThrownBy(() -> read(Map.of("autoj.backend", "gpu"), Map.of()))
                .hasMessage("Invalid autoj configuration: autoj.backend = \"gpu\". Accepted values: remote, onnx.");
        assertThatThrownBy(() -> read(Map.of("autoj.mode", "replay"), Map.of("AUTOJ_POSITION_POLICY", "majority")))
                .hasMessage("Invalid autoj configuration: AUTOJ_POSITION_POLICY = \"majority\". Accepted values: both, either, first-only.");
        assertThatThrownBy(() -> read(Map.of("autoj.mode", "replay", "autoj.concurrency", "0"), Map.of()))
                .hasMessageContaining("autoj.concurrency = \"0\". Accepted values: a whole number from 1 to 1024.");
        assertThatThrownBy(() -> read(Map.of("autoj.mode", "replay", "autoj.timeout", "soon"), Map.of()))
                .hasMessageContaining("autoj.timeout = \"soon\". Accepted values: a positive duration");
        assertThatThrownBy(() -> read(Map.of("autoj.endpoints", "judge:8000"), Map.of()))
                .hasMessageContaining("autoj.endpoints = \"judge:8000\". Accepted values: comma-separated http(s) base URLs");
        assertThatThrownBy(() -> read(Map.of("autoj.mode", "replay", "autoj.device", "tpu"), Map.of()))
                .hasMessageContaining("Accepted values: auto, cpu, cuda.");
        assertThatThrownBy(() -> read(Map.of("autoj.mode", "replay", "autoj.report", "html"), Map.of()))
                .hasMessageContaining("Accepted values: auto, allure, junit, both.");
    }

    @Test
    void classifierUsesTheJudgeEndpointsUnlessItHasItsOwn() {
        Settings shared = read(Map.of("autoj.endpoints", "http://judge:8000",
                "autoj.classifier.model-name", "GAIR/autoj-scenario-classifier"), Map.of());
        assertThat(shared.classifierModelName()).isEqualTo("GAIR/autoj-scenario-classifier");
        assertThat(shared.classifierEndpoints()).containsExactly(URI.create("http://judge:8000"));
        Settings own = read(Map.of("autoj.endpoints", "http://judge:8000"),
                Map.of("AUTOJ_CLASSIFIER_MODEL_NAME", "clf", "AUTOJ_CLASSIFIER_ENDPOINTS", "http://clf:8001"));
        assertThat(own.classifierEndpoints()).containsExactly(URI.create("http://clf:8001"));
        assertThat(read(Map.of("autoj.mode", "replay"), Map.of()).classifierModelName()).isNull();
        assertThatThrownBy(() -> read(Map.of("autoj.mode", "replay", "autoj.classifier.endpoints", "http://clf:8001"), Map.of()))
                .hasMessageContaining("autoj.classifier.endpoints is set but autoj.classifier.model-name");
    }

    @Test
    void liveOnnxNeedsAModelPath() {
        assertThatThrownBy(() -> read(Map.of("autoj.backend", "onnx"), Map.of()))
                .hasMessageContaining("autoj.model.path (or AUTOJ_MODEL_PATH) is required for autoj.backend=onnx");
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertThat(Settings.Key.STORE_DIR.environment()).isEqualTo("AUTOJ_STORE_DIR");
        assertThat(Settings.Key.MODEL_NAME.environment()).isEqualTo("AUTOJ_MODEL_NAME");
        assertThat(Settings.Key.MODEL_PATH.property()).isEqualTo("autoj.model.path");
    }

    @Test
    void theEmbeddedEngineNeedsACheckpointFolderAndANameToRecordUnder(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        java.nio.file.Files.writeString(dir.resolve("config.json"), "{}");
        java.nio.file.Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Settings live = read(Map.of("autoj.backend", "onnx", "autoj.model.path", dir.toString(), "autoj.dtype", "FP16"), Map.of());
        assertThat(live.dtype()).isEqualTo(dev.autoj.engine.backend.Dtype.FP16);
        assertThat(live.modelNameSet()).isFalse();
        assertThat(read(Map.of("autoj.backend", "onnx", "autoj.model.path", dir.toString(), "autoj.mode", "record",
                "autoj.model-name", "autoj-13b-fp16"), Map.of()).modelNameSet()).isTrue();
        assertThatThrownBy(() -> read(Map.of("autoj.backend", "onnx", "autoj.model.path", dir.toString(), "autoj.mode", "record"),
                Map.of())).hasMessageStartingWith("autoj.model-name (or AUTOJ_MODEL_NAME) is required to record with autoj.backend=onnx");
        assertThatThrownBy(() -> read(Map.of("autoj.backend", "onnx", "autoj.model.path", dir.toString(), "autoj.dtype", "int3"),
                Map.of())).hasMessage("Invalid autoj configuration: autoj.dtype = \"int3\". Accepted values: fp32, fp16, int4.");
        assertThatThrownBy(() -> read(Map.of("autoj.backend", "onnx"), Map.of("AUTOJ_MODEL_PATH", dir.resolve("x").toString())))
                .hasMessageStartingWith("Invalid autoj configuration: AUTOJ_MODEL_PATH = \"" + dir.resolve("x") + "\" (it is not a folder");
    }

    @Test
    void aServerCommandIsEnoughForALiveRemoteJudgeAndCarriesItsTimeoutFolderEnvironmentAndLog() {
        Settings s = Settings.read(key -> Optional.ofNullable(Map.of(
                        "autoj.server.command", "vllm serve GAIR/autoj-13b --max-model-len 4096 --port {port}",
                        "autoj.server.startup-timeout", "20m",
                        "autoj.server.dir", ".",
                        "autoj.server.env.CUDA_VISIBLE_DEVICES", "0").get(key)),
                Map.of("AUTOJ_SERVER_ENV_HF_HOME", "/cache/hf")::get, java.util.Set.of("CUDA_VISIBLE_DEVICES", "HF_HOME", "UNSET"));
        assertThat(s.endpoints()).isEmpty();
        assertThat(s.server().command()).isEqualTo("vllm serve GAIR/autoj-13b --max-model-len 4096 --port {port}");
        assertThat(s.server().modelName()).isEqualTo("GAIR/autoj-13b");
        assertThat(s.server().startupTimeout()).isEqualTo(Duration.ofMinutes(20));
        assertThat(s.server().directory()).isEqualTo(Path.of("."));
        assertThat(s.server().environment()).isEqualTo(Map.of("CUDA_VISIBLE_DEVICES", "0", "HF_HOME", "/cache/hf"));
        assertThat(s.server().logFile()).isEqualTo(Path.of("target/autoj/judge-server.log"));
        assertThat(read(Map.of("autoj.endpoints", "http://a:1"), Map.of()).server()).isNull();
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
                .hasMessageContaining("autoj.server.command starts a completions server, which autoj.backend=onnx does not use");
        assertThatThrownBy(() -> read(Map.of("autoj.endpoints", "http://a:1", "autoj.server.dir", "."), Map.of()))
                .hasMessageContaining("but autoj.server.command is not");
    }
}
