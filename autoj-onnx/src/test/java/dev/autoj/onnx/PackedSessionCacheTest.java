package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packed fp32 session cache ({@link PackedSessionCache}): the first start saves the optimised
 * session with its prepacked weights, a warm start loads it alone and computes exactly what a
 * session on the checkpoint computes, without reading the checkpoint's tensor data; a damaged
 * entry is rebuilt, and an entry that cannot be written leaves the start as it was without the cache.
 */
class PackedSessionCacheTest {

    private static final int[] PROMPT = {1, 17, 200, 5, 99, 42, 3, 250, 17, 17, 64, 8};

    @TempDir
    Path temp;

    private TinyLlama model;
    private OnnxOptions options;

    @BeforeEach
    void writeModel() {
        model = TinyLlama.write(temp.resolve("model"), TinyLlama.Spec.small(), 7);
        options = OnnxOptions.of(model.dir).withDevice(Device.CPU).withCacheDir(temp.resolve("cache"));
    }

    @AfterEach
    void clearProperty() {
        System.clearProperty(PackedSessionCache.PROPERTY);
    }

    /** Logits of the prompt from a session on the checkpoint itself, the cache turned off. */
    private float[][] uncachedLogits() {
        System.setProperty(PackedSessionCache.PROPERTY, "false");
        try (OnnxBackend backend = OnnxBackend.open(options)) {
            assertThat(backend.weightCacheOutcome()).isNull();
            return backend.logitsOf(PROMPT);
        } finally {
            System.clearProperty(PackedSessionCache.PROPERTY);
        }
    }

    private float[][] cachedLogits(ModelCache.Outcome expected) {
        return CacheFixtures.logits(options, PROMPT, expected);
    }

    /** The entries: the body's and the head's (the CPU step decoder is two sessions). */
    private List<Path> entries() throws IOException {
        try (Stream<Path> files = Files.list(temp.resolve("cache"))) {
            List<Path> entries = files.filter(p -> p.getFileName().toString().endsWith(".fp32-packed")).sorted().toList();
            assertThat(entries).hasSize(2);
            return entries;
        }
    }

    @Test
    @DisplayName("the first start writes the entry, a warm start loads it, and both compute exactly the uncached logits")
    void warmStartEqualsTheCheckpointSession() throws IOException {
        float[][] reference = uncachedLogits();
        assertThat(cachedLogits(ModelCache.Outcome.BUILT)).isDeepEqualTo(reference);
        assertThat(cachedLogits(ModelCache.Outcome.HIT)).isDeepEqualTo(reference);
        long data = 0;
        for (Path entry : entries()) {
            assertThat(entry.resolve("model.onnx")).isRegularFile();
            assertThat(entry.resolve("complete")).isRegularFile();
            data += Files.size(entry.resolve("weights.bin"));
        }
        // the data files hold the weights and, beside the Gemm weights, their packed copies
        assertThat(data).isGreaterThan(Files.size(model.dir.resolve("model.safetensors")));
        try (Stream<Path> files = Files.list(temp.resolve("cache"))) {
            assertThat(files.filter(p -> p.getFileName().toString().contains(".tmp"))).isEmpty();
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
    @DisplayName("a truncated data file, a changed graph or a missing marker is rebuilt, never loaded")
    void damagedEntryIsRebuilt() throws IOException {
        float[][] first = cachedLogits(ModelCache.Outcome.BUILT);
        // the body's entry, then the head's: either one damaged is rebuilt
        for (int i = 0; i < 2; i++) {
            try (FileChannel file = FileChannel.open(entries().get(i).resolve("weights.bin"), StandardOpenOption.WRITE)) {
                file.truncate(file.size() - 100);
            }
            assertThat(cachedLogits(ModelCache.Outcome.REBUILT)).isDeepEqualTo(first);
            Files.write(entries().get(i).resolve("model.onnx"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
            assertThat(cachedLogits(ModelCache.Outcome.REBUILT)).isDeepEqualTo(first);
            Files.delete(entries().get(i).resolve("complete"));
            assertThat(cachedLogits(ModelCache.Outcome.REBUILT)).isDeepEqualTo(first);
        }
        assertThat(cachedLogits(ModelCache.Outcome.HIT)).isDeepEqualTo(first);
    }

    @Test
    @DisplayName("where the entry cannot be written (a file in its way) the session starts without the cache, computing the same")
    void unwritableEntryFallsBack() throws IOException {
        float[][] reference = uncachedLogits();
        Path cache = temp.resolve("cache");
        // a file in the way of one of the two entries (body, head): the other is written, but the start goes without both
        Path entry = PackedSessionCache.entry(cache, graphs(cache).get(1), OrtEnvironment.getEnvironment().getVersion());
        Files.writeString(entry, "not a folder");
        try (OnnxBackend backend = OnnxBackend.open(options)) {
            assertThat(backend.weightCacheOutcome()).isNull();
            assertThat(backend.logitsOf(PROMPT)).isDeepEqualTo(reference);
        }
        assertThat(entry).isRegularFile();
    }

    @Test
    @DisplayName("an entry larger than the disk's free space is not written: the caller starts without the cache")
    void noRoomNoEntry() throws Exception {
        uncachedLogits();
        Path cache = temp.resolve("cache");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long moreThanTheDisk = Files.getFileStore(cache).getTotalSpace();
        PackedSessionCache.Opened opened = PackedSessionCache.open(env, cache, graphs(cache).get(0), moreThanTheDisk, () -> {
            throw new AssertionError("the weights are not even prepared when there is no room");
        });
        assertThat(opened).isNull();
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files.filter(p -> p.getFileName().toString().contains(".fp32-packed"))).isEmpty();
        }
    }

    @Test
    @DisplayName("the step decoder split into two sessions (first layers; the rest and the head) computes exactly what the whole graph computes")
    void splitEqualsWhole() {
        float[][] split = uncachedLogits();
        System.setProperty(EngineSwitches.SPLIT_PROPERTY, "false");
        try {
            assertThat(uncachedLogits()).isDeepEqualTo(split);
            assertThat(CacheFixtures.logits(options, PROMPT, ModelCache.Outcome.BUILT)).isDeepEqualTo(split);
        } finally {
            System.clearProperty(EngineSwitches.SPLIT_PROPERTY);
        }
    }

    @Test
    @DisplayName("a property value that is neither true nor false is refused, naming the property")
    void badPropertyIsRefused() {
        System.setProperty(PackedSessionCache.PROPERTY, "yes");
        assertThatThrownBy(() -> OnnxBackend.open(options).close())
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("autoj.onnx.packedWeightCache=yes");
    }

    /** The built graphs: the step decoder's body and its head. */
    private static List<Path> graphs(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            List<Path> graphs = files.filter(p -> p.getFileName().toString().endsWith(".onnx")).sorted().toList();
            assertThat(graphs).hasSize(2);
            return graphs;
        }
    }
}
