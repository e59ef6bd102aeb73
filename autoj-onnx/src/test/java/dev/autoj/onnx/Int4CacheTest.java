package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.checkpoint.QuantizedWeights;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 4-bit weight cache ({@link WeightCache}): a warm start maps the weights the first start
 * quantized, gives exactly the logits of weights quantized on load, reads no tensor data of the
 * checkpoint, and rebuilds a damaged entry.
 */
class Int4CacheTest {

    private static final int[] PROMPT = {1, 17, 200, 5, 99, 42, 3, 250, 17, 17, 64, 8};

    @TempDir
    Path temp;

    private TinyLlama model;
    private OnnxOptions options;

    @BeforeEach
    void writeModel() {
        model = TinyLlama.write(temp.resolve("model"), TinyLlama.Spec.small(), 7);
        options = OnnxOptions.of(model.dir).withDtype(Dtype.INT4).withCacheDir(temp.resolve("cache"));
    }

    /** Logits of the prompt from weights quantized on load, never cached. */
    private float[][] uncachedLogits() {
        try (OnnxBackend backend = OnnxBackend.open(options, OnnxBackend.INT4,
                checkpoint -> QuantizedWeights.quantizing(checkpoint, 32, true))) {
            assertThat(backend.weightCacheOutcome()).isNull();
            return backend.logitsOf(PROMPT);
        }
    }

    private float[][] cachedLogits(ModelCache.Outcome expected) {
        return CacheFixtures.logits(options, PROMPT, expected);
    }

    private Path entry() throws IOException {
        return CacheFixtures.onlyEntry(temp.resolve("cache"), ".int4");
    }

    @Test
    @DisplayName("a warm start maps the cached weights and computes exactly what weights quantized on load compute")
    void warmStartEqualsQuantizingOnLoad() {
        float[][] reference = uncachedLogits();
        // the first start writes the entry; the codes are unmapped after the session prepacked them,
        // so equal logits also prove ONNX Runtime no longer reads them
        assertThat(cachedLogits(ModelCache.Outcome.BUILT)).isDeepEqualTo(reference);
        assertThat(cachedLogits(ModelCache.Outcome.HIT)).isDeepEqualTo(reference);
    }

    @Test
    @DisplayName("the 4-bit step decoder split into two sessions (first layers; the rest and the head) computes exactly what the whole graph computes")
    void splitEqualsWhole() {
        float[][] split = cachedLogits(ModelCache.Outcome.BUILT);
        System.setProperty(EngineSwitches.SPLIT_PROPERTY, "false");
        try {
            assertThat(uncachedLogits()).isDeepEqualTo(split);
            assertThat(cachedLogits(ModelCache.Outcome.HIT)).isDeepEqualTo(split);
        } finally {
            System.clearProperty(EngineSwitches.SPLIT_PROPERTY);
        }
    }

    @Test
    @DisplayName("with a valid entry the checkpoint's tensor data is never read: wiping it changes nothing")
    void warmStartDoesNotReadTheCheckpointData() throws IOException {
        float[][] first = cachedLogits(ModelCache.Outcome.BUILT);
        model.poisonTensorData();
        assertThat(cachedLogits(ModelCache.Outcome.HIT)).isDeepEqualTo(first);
    }

    @Test
    @DisplayName("a damaged entry (a flipped byte, a truncated file) is rebuilt, never loaded")
    void damagedEntryIsRebuilt() throws IOException {
        float[][] first = cachedLogits(ModelCache.Outcome.BUILT);
        Path entry = entry();
        try (FileChannel file = FileChannel.open(entry, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long middle = file.size() / 2;
            ByteBuffer one = ByteBuffer.allocate(1);
            file.read(one, middle);
            one.put(0, (byte) (one.get(0) ^ 0x5A));
            one.clear();
            file.write(one, middle);
        }
        assertThat(cachedLogits(ModelCache.Outcome.REBUILT)).isDeepEqualTo(first);
        try (FileChannel file = FileChannel.open(entry(), StandardOpenOption.WRITE)) {
            file.truncate(file.size() - 100);
        }
        assertThat(cachedLogits(ModelCache.Outcome.REBUILT)).isDeepEqualTo(first);
        assertThat(cachedLogits(ModelCache.Outcome.HIT)).isDeepEqualTo(first);
    }
}
