package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.testing.LogCapture;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device selection on a machine without a usable CUDA (the default build carries the CPU-only
 * ONNX Runtime, so CUDA is never usable here; on a GPU machine built with -Pgpu these tests skip).
 */
class DeviceTest {

    private static final int[] PROMPT = {1, 17, 200, 5, 99};

    @TempDir
    Path temp;

    private static void assumeNoCuda(TinyLlama model, Path cache) {
        try (OnnxBackend probe = OnnxBackend.open(OnnxOptions.of(model.dir).withCacheDir(cache)
                .withDevice(Device.AUTO))) {
            Assumptions.assumeTrue(probe.device() == Device.CPU, "CUDA is usable on this machine");
        }
    }

    @Test
    @DisplayName("device cuda without a usable CUDA fails with an error that says what is missing")
    void cudaWithoutAGpuSaysWhatIsMissing() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        assumeNoCuda(model, temp.resolve("cache"));
        OnnxOptions options = OnnxOptions.of(model.dir).withCacheDir(temp.resolve("cache"))
                .withDevice(Device.CUDA);
        assertThatThrownBy(() -> OnnxBackend.open(options))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("Device cuda was requested for ").hasMessageContaining(" but ONNX Runtime could not use CUDA")
                .hasMessageContaining("NVIDIA GPU")
                .hasMessageContaining("com.microsoft.onnxruntime:onnxruntime_gpu")
                .hasMessageContaining("device cpu or auto");
    }

    @Test
    @DisplayName("device auto falls back to the CPU with one warning and still decodes as the reference")
    void autoFallsBackToTheCpu() {
        TinyLlama model = TinyLlama.write(temp.resolve("m"), TinyLlama.Spec.small(), 7);
        try (LogCapture log = new LogCapture(DecoderSession.class);
                OnnxBackend backend = OnnxBackend.open(OnnxOptions.of(model.dir).withCacheDir(temp.resolve("cache"))
                        .withDevice(Device.AUTO))) {
            Assumptions.assumeTrue(backend.device() == Device.CPU, "CUDA is usable on this machine");
            List<LogRecord> records = log.records();
            assertThat(records).hasSize(1);
            assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
            assertThat(records.get(0).getMessage()).startsWith("autoj onnx: CUDA unavailable (").endsWith("on the CPU");
            assertThat(backend.generateIds(PROMPT, 24).ids()).containsExactly(
                    model.referenceGreedy(PROMPT, 24).stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    @DisplayName("device names parse in any case and an unknown one lists the choices")
    void deviceNamesParse() {
        assertThat(Device.parse("CUDA")).isEqualTo(Device.CUDA);
        assertThat(Device.parse("auto")).isEqualTo(Device.AUTO);
        assertThatThrownBy(() -> Device.parse("tpu")).hasMessage("device \"tpu\" is not supported; use auto, cpu or cuda");
    }
}
