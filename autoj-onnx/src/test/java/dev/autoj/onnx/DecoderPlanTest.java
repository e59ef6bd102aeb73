package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecoderPlanTest {

    @TempDir
    Path temp;

    @Test
    @DisplayName("on the CPU the plan is the step decoder in two sessions, said in one line")
    void cpuPlan() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        ModelConfig config = ModelConfig.read(model.dir);
        DecoderPlan plan = DecoderPlan.of(OnnxOptions.of(model.dir), config, OnnxBackend.INT4, Device.CPU);
        assertThat(plan.route()).isEqualTo(OnnxOptions.Route.STEP);
        assertThat(plan.kind()).isEqualTo(ModelCache.Kind.STEP);
        assertThat(plan.splitLayer()).isEqualTo(DecoderPlan.splitLayer(config, Dtype.FP32, OnnxBackend.INT4));
        assertThat(plan.describe(config)).isEqualTo("device cpu, route STEP, graph STEP, weights fp32, two sessions split at layer "
                + plan.splitLayer() + " of 2").doesNotContain("\n");
    }

    @Test
    @DisplayName("a 4-bit CPU step decoder is cut into up to 16 parts of nearly equal layers, said in one line")
    void int4Parts() {
        assertThat(DecoderPlan.evenStarts(40, 16)).hasSize(15).startsWith(2, 5, 7).endsWith(37);
        assertThat(DecoderPlan.evenStarts(2, 2)).containsExactly(1);
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        ModelConfig config = ModelConfig.read(model.dir);
        DecoderPlan plan = DecoderPlan.of(OnnxOptions.of(model.dir).withDtype(Dtype.INT4), config, OnnxBackend.INT4, Device.CPU);
        assertThat(plan.starts()).containsExactly(1);
        assertThat(plan.spans(config)).extracting(s -> s.from() + "-" + s.to()).containsExactly("0-1", "1-2");
        ModelConfig deep = new ModelConfig(config.architecture(), config.hiddenSize(), config.intermediateSize(), config.numHeads(),
                config.numKvHeads(), 40, config.vocabSize(), config.headDim(), config.rmsNormEps(), config.ropeTheta(),
                config.contextWindow(), config.tieWordEmbeddings(), config.bosId(), config.eosIds());
        DecoderPlan deepPlan = DecoderPlan.of(OnnxOptions.of(model.dir).withDtype(Dtype.INT4), deep, OnnxBackend.INT4, Device.CPU);
        assertThat(deepPlan.spans(deep)).hasSize(DecoderPlan.MAX_INT4_PARTS);
        assertThat(deepPlan.describe(deep)).startsWith("device cpu, route STEP, graph STEP, weights int4").contains(
                "16 sessions starting at layers 0, 2, 5, 7,").endsWith(" of 40").doesNotContain("\n");
    }

    @Test
    @DisplayName("on CUDA 4-bit weights take the fp16 generation graph with accuracy level 0 in one session")
    void cudaPlan() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        ModelConfig config = ModelConfig.read(model.dir);
        DecoderPlan plan = DecoderPlan.of(OnnxOptions.of(model.dir).withDtype(Dtype.INT4), config, OnnxBackend.INT4, Device.CUDA);
        assertThat(plan.route()).isEqualTo(OnnxOptions.Route.LOOP);
        assertThat(plan.kind()).isEqualTo(ModelCache.Kind.LOOP_FP16);
        assertThat(plan.layout().accuracyLevel()).isZero();
        assertThat(plan.splitLayer()).isEqualTo(-1);
        assertThat(plan.describe(config)).isEqualTo("device cuda, route LOOP, graph LOOP_FP16, weights int4 (blocks of 32, "
                + "accuracy level 0, zero points), one session");
    }

    @Test
    @DisplayName("autoj.onnx.splitSessions=false keeps the CPU step decoder in one session")
    void splitSwitch() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        ModelConfig config = ModelConfig.read(model.dir);
        System.setProperty(EngineSwitches.SPLIT_PROPERTY, "false");
        try {
            assertThat(DecoderPlan.of(OnnxOptions.of(model.dir), config, OnnxBackend.INT4, Device.CPU).splitLayer()).isEqualTo(-1);
        } finally {
            System.clearProperty(EngineSwitches.SPLIT_PROPERTY);
        }
    }

    @Test
    @DisplayName("the part with the output head is created first, beside the first part; the rest follow in order")
    void headPartFirst() {
        assertThat(SessionLoader.creationOrder(1)).containsExactly(0);
        assertThat(SessionLoader.creationOrder(2)).containsExactly(1, 0);
        assertThat(SessionLoader.creationOrder(5)).containsExactly(4, 0, 1, 2, 3);
        assertThat(SessionLoader.creationOrder(16)).hasSize(16).startsWith(15, 0, 1).endsWith(13, 14).doesNotHaveDuplicates();
    }
}
