package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A slice of Auto-J-13B (its dimensions, one layer, random weights: 2.6 GB, over the 2 GB
 * protobuf limit) builds with external data and decodes. Opt-in, as it writes 2.6 GB and needs
 * about 6 GB of memory: {@code mvn -pl autoj-engine test -Dtest=BigModelTest -Dautoj.bigModelTest=true}.
 */
@EnabledIfSystemProperty(named = "autoj.bigModelTest", matches = "true")
class BigModelTest {

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Dtype.class, names = {"FP32", "INT4"})
    @DisplayName("a 13B-shaped slice over 2 GB builds, loads without the weights on the heap, and decodes")
    void autojSliceOverTwoGigabytesRuns(Dtype dtype) throws Exception {
        SyntheticCheckpoint.Shape shape = SyntheticCheckpoint.Shape.autojSlice(1);
        long bytes = SyntheticCheckpoint.write(temp.resolve("m"), shape, 1);
        assertThat(bytes).isGreaterThan(2L << 30);
        assertThat(Files.size(temp.resolve("m").resolve("model.safetensors"))).isGreaterThan(bytes);
        OnnxOptions options = OnnxOptions.of(temp.resolve("m")).withDtype(dtype).withCacheDir(temp.resolve("cache"));
        try (OnnxBackend backend = OnnxBackend.open(options)) {
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            assertThat(heap).as("heap in use after loading").isLessThan(bytes / 8);
            try (var files = Files.list(temp.resolve("cache"))) {
                long graphBytes = files.filter(p -> p.toString().endsWith(".onnx")).mapToLong(p -> p.toFile().length()).sum();
                assertThat(graphBytes).as("the graph file holds no weights").isLessThan(64L << 20);
            }
            TokenGeneration g = backend.generateIds(new int[] {1, 450, 4996, 17354, 1701}, 4);
            assertThat(g.ids().length + (g.stopReason() == dev.autoj.engine.backend.StopReason.EOS ? 1 : 0))
                    .isBetween(1, 4);
            for (int id : g.ids()) {
                assertThat(id).isBetween(0, shape.vocab() - 1);
            }
            float[][] logits = backend.logitsOf(new int[] {1, 450, 4996});
            for (float[] row : logits) {
                for (float v : row) {
                    assertThat(Float.isFinite(v)).isTrue();
                }
            }
            System.out.printf("13B slice %s: %.2f GB, heap %d MB, %d weight bytes per step%n", dtype, bytes / 1e9,
                    heap >> 20, backend.weightBytesPerStep());
        }
    }
}
