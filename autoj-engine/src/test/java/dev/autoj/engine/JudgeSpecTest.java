package dev.autoj.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.backend.EmbeddedRuntime;
import dev.autoj.engine.store.StoreMode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgeSpecTest {

    @TempDir
    Path dir;

    @Test
    void theEmbeddedBackEndWithoutTheEmbeddedRuntimeOnTheClassPathFailsNamingTheDependency() throws IOException {
        // This module's test class path has no autoj-onnx, as a project that depends on autoj-junit alone.
        assertThat(EmbeddedRuntime.find()).isEmpty();
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        JudgeSpec spec = JudgeSpec.builder().backend(JudgeSpec.BackendKind.ONNX).modelPath(dir).build();

        assertThatThrownBy(spec::open).isInstanceOf(JudgeSpec.InvalidSpecException.class)
                .hasMessageContaining("autoj.backend=onnx needs the embedded engine, which is not on the class path")
                .hasMessageContaining("add the dependency dev.autoj:autoj-onnx")
                .hasMessageContaining("com.microsoft.onnxruntime:onnxruntime_gpu");
    }

    @Test
    void oneSetOfDefaultsForEveryCaller() {
        JudgeSpec spec = JudgeSpec.builder().endpoints(List.of(URI.create("http://judge:8000"))).build();
        assertThat(spec.mode()).isEqualTo(StoreMode.LIVE);
        assertThat(spec.timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(spec.device()).isEqualTo(dev.autoj.engine.backend.Device.AUTO);
        assertThat(spec.concurrency()).isEqualTo(8);
        assertThat(spec.maxNewTokens()).isEqualTo(1024);
        assertThat(spec.modelName()).isEqualTo("GAIR/autoj-13b");
        assertThat(spec.modelNameGiven()).isFalse();
        for (Setting setting : List.of(Setting.TIMEOUT, Setting.DEVICE,
                Setting.CONCURRENCY, Setting.MAX_NEW_TOKENS, Setting.MODEL_NAME, Setting.MODE)) {
            // The defaults the configuration keys document are the builder's own.
            JudgeSpec fromText = JudgeSpec.builder().endpoints(spec.endpoints()).set(setting, setting.defaultValue()).build();
            assertThat(JudgeSpec.describe(fromText, setting)).isEqualTo(JudgeSpec.describe(spec, setting));
        }
    }

    @Test
    void theModeFollowsWhatIsConfiguredWhenNotGiven() {
        URI judge = URI.create("http://judge:8000");
        assertThat(JudgeSpec.builder().endpoints(List.of(judge)).impliedMode(false, null).build().mode()).isEqualTo(StoreMode.LIVE);
        assertThat(JudgeSpec.builder().endpoints(List.of(judge)).storeDir(dir).impliedMode(false, null).build().mode())
                .isEqualTo(StoreMode.RECORD);
        assertThat(JudgeSpec.builder().storeDir(dir).impliedMode(false, null).build().mode()).isEqualTo(StoreMode.REPLAY);
        assertThat(JudgeSpec.builder().storeDir(dir).impliedMode(true, StoreMode.REPLAY).build().mode()).isEqualTo(StoreMode.REPLAY);
    }

    @Test
    void anEnumValueThatIsNotOneIsRefusedListingTheAcceptedOnes() {
        assertThatThrownBy(() -> SettingText.parseChoice("replai", StoreMode.class))
                .hasMessage("\"replai\" is not one of live, record, replay");
        assertThatThrownBy(() -> SettingText.parseDuration("-5m")).hasMessageContaining("is not a positive duration");
        assertThatThrownBy(() -> SettingText.parseEndpoints("judge:8000")).hasMessageContaining("is not an http(s) base URL");
    }

    @Test
    void toBuilderCopiesEverySettingSoThatEachDescribesTheSame() {
        JudgeSpec spec = JudgeSpec.builder().endpoints(List.of(URI.create("http://judge:8000"))).storeDir(dir)
                .mode(StoreMode.RECORD).maxNewTokens(512).timeout(Duration.ofSeconds(90)).concurrency(3).tokenEnv("JUDGE_TOKEN")
                .classifierModelName("GAIR/autoj-scenario-classifier").contextWindow(8192).cacheDir(dir)
                .conformance(dev.autoj.engine.conformance.ConformanceMode.WARN).build();

        JudgeSpec copy = spec.toBuilder().build();

        assertThat(copy).isEqualTo(spec);
        for (Setting setting : Setting.values()) {
            assertThat(JudgeSpec.describe(copy, setting)).as(setting.name()).isEqualTo(JudgeSpec.describe(spec, setting));
        }
        assertThat(JudgeSpec.builder().endpoints(spec.endpoints()).build().toBuilder().build().modelNameGiven()).isFalse();
        assertThat(copy.toBuilder().endpoints(List.of(URI.create("http://other:8000"))).build().classifierEndpoints())
                .as("a classifier without its own endpoints follows the judge's").containsExactly(URI.create("http://other:8000"));
    }

    @Test
    void aRefusedSettingIsCarriedByTheExceptionAndNamedByTheCallersNaming() {
        JudgeSpec.Naming options = new JudgeSpec.Naming() {
            @Override
            public String name(Setting setting) {
                return setting.option();
            }

            @Override
            public String assign(Setting setting, String value) {
                return setting.option() + " " + value;
            }
        };
        JudgeSpec.Builder tooMany = JudgeSpec.builder().endpoints(List.of(URI.create("http://judge:8000"))).concurrency(2000);

        assertThatThrownBy(tooMany::build).isInstanceOfSatisfying(JudgeSpec.InvalidSpecException.class,
                e -> assertThat(e.setting()).isEqualTo(Setting.CONCURRENCY))
                .hasMessage("autoj.concurrency (or AUTOJ_CONCURRENCY) must be a whole number from 1 to 1024, got 2000");
        assertThatThrownBy(tooMany.naming(options)::build).hasMessage("--concurrency must be a whole number from 1 to 1024, got 2000");
    }

    @Test
    void aNumberOutsideItsSettingsRangeIsRefusedAsTextNamingTheRange() {
        assertThat(Setting.MAX_NEW_TOKENS.range()).isEqualTo(new Setting.Range(1, 4096));
        assertThat(Setting.TIMEOUT.range()).isNull();
        assertThatThrownBy(() -> JudgeSpec.builder().set(Setting.MAX_NEW_TOKENS, "5000"))
                .hasMessage("\"5000\" is not a whole number from 1 to 4096");
        assertThatThrownBy(() -> JudgeSpec.builder().set(Setting.SERVER_DIR, "/tmp")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("SERVER_DIR makes a ServerConfig");
    }

    @Test
    void theBackEndIsOpenedWithTheJudgesBudgetAndNeverLessThanAutoJs() {
        JudgeSpec.Builder remote = JudgeSpec.builder().endpoints(List.of(URI.create("http://judge:8000")));
        assertThat(remote.maxNewTokens(30).build().backendBudget()).isEqualTo(1024);
        assertThat(remote.maxNewTokens(2048).contextWindow(4096).build().backendBudget()).isEqualTo(2048);
    }
}
