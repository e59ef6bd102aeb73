package dev.autoj.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.Sampling;
import dev.autoj.engine.family.prometheus.Prometheus;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoredJudgment;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus 2's library sampling is applied or refused aloud: only for Prometheus 2, only through a back end
 * that samples; sampled judgments have keys of their own and keep their sampling in the store.
 */
class SamplingSettingTest {

    private static final URI SERVER = URI.create("http://judge:8000");

    @TempDir
    Path dir;

    @Test
    void theSettingReadsGreedyOrTheLibrarysSamplingAndNamesBothOtherwise() {
        JudgeSpec spec = JudgeSpec.builder().endpoints(List.of(SERVER)).set(Setting.MODEL_NAME, Prometheus.MODEL_7B)
                .set(Setting.SAMPLING, "prometheus-library").build();
        assertThat(spec.sampling()).isEqualTo(Sampling.PROMETHEUS_LIBRARY);
        assertThat(JudgeSpec.describe(spec, Setting.SAMPLING)).contains("prometheus-library");
        assertThat(JudgeSpec.builder().endpoints(List.of(SERVER)).build().sampling()).as("greedy by default").isNull();
        assertThat(spec.toBuilder().build()).isEqualTo(spec);
        assertThatThrownBy(() -> JudgeSpec.builder().set(Setting.SAMPLING, "top-k"))
                .hasMessage("\"top-k\" is not one of greedy, prometheus-library");
    }

    @Test
    void samplingIsRefusedForAutojAndOnTheEmbeddedEngineNamingTheSetting() throws IOException {
        assertThatThrownBy(() -> JudgeSpec.builder().endpoints(List.of(SERVER)).sampling(Sampling.PROMETHEUS_LIBRARY).build())
                .isInstanceOfSatisfying(JudgeSpec.InvalidSpecException.class, e -> assertThat(e.setting()).isEqualTo(Setting.SAMPLING))
                .hasMessageContaining("autoj.sampling=prometheus-library is the prometheus-eval library's sampling")
                .hasMessageContaining("GAIR/autoj-13b is judged as Auto-J, which is decoded greedily");
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        assertThatThrownBy(() -> JudgeSpec.builder().backend(JudgeSpec.BackendKind.ONNX).modelPath(dir)
                .modelName(Prometheus.MODEL_7B).sampling(Sampling.PROMETHEUS_LIBRARY).build())
                .isInstanceOfSatisfying(JudgeSpec.InvalidSpecException.class, e -> assertThat(e.setting()).isEqualTo(Setting.SAMPLING))
                .hasMessageContaining("the embedded engine decodes greedily only and cannot sample");
    }

    @Test
    void aJudgeRefusesToSampleOnABackEndThatCannot() {
        // A back end says whether it samples; one that does not say decodes greedily only, as the embedded engine.
        Backend greedyOnly = new GreedyOnly(Prometheus.MODEL_7B);
        assertThat(greedyOnly.samples()).isFalse();
        assertThatThrownBy(() -> Judges.builder().backend(greedyOnly).sampling(Sampling.PROMETHEUS_LIBRARY).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the back end 'greedy-only' decodes greedily only");
        assertThatThrownBy(() -> Judges.builder().backend(greedyOnly).sampling(new Sampling(0.7, 1.0, 1.0)).build())
                .hasMessageContaining("autoj samples only as the prometheus-eval library does");
    }

    @Test
    void sampledJudgmentsHaveTheirOwnKeysAndKeepTheirSamplingInTheStore() {
        String greedy = JudgmentStore.key(Prometheus.MODEL_7B, Protocol.SINGLE, Language.EN, "[INST] p [/INST]", 1024);
        assertThat(JudgmentStore.key(Prometheus.MODEL_7B, Protocol.SINGLE, Language.EN, "[INST] p [/INST]", 1024, null))
                .as("no sampling is the greedy key, as before").isEqualTo(greedy);
        String sampled = JudgmentStore.key(Prometheus.MODEL_7B, Protocol.SINGLE, Language.EN, "[INST] p [/INST]", 1024,
                Sampling.PROMETHEUS_LIBRARY);
        assertThat(sampled).isNotEqualTo(greedy);

        JudgmentStore store = JudgmentStore.open(dir.resolve("store"));
        StoredJudgment recorded = store.record(new StoredJudgment(Prometheus.MODEL_7B, Protocol.SINGLE, Language.EN, 1024,
                Map.of("instruction", "q", "response", "a", "rubric", "r"), "[INST] p [/INST]", "Written by a test. [RESULT] 3",
                null, dev.autoj.engine.protocol.ParsedVerdict.ofRating(3), "live:test", dev.autoj.engine.backend.StopReason.EOS,
                5, 6, Instant.parse("2026-01-01T00:00:00Z"), Sampling.PROMETHEUS_LIBRARY));
        assertThat(recorded.key()).isEqualTo(sampled);
        assertThat(store.find(sampled)).get().extracting(StoredJudgment::sampling).isEqualTo(Sampling.PROMETHEUS_LIBRARY);
        assertThat(store.find(greedy)).isEmpty();
        assertThat(store.verify().problems()).isEmpty();
    }

    private record GreedyOnly(String modelId) implements Backend {
        @Override
        public String name() {
            return "greedy-only";
        }

        @Override
        public List<Generation> generate(List<GenerationRequest> requests) {
            throw new AssertionError("a refused judge asks nothing");
        }
    }
}
