package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The loader streams: converting a checkpoint several times larger than the session's weights
 * adds to the resident set about the session's weights (and ONNX Runtime's packed copy of them),
 * not the checkpoint. Each case loads a 648 MB checkpoint (fp32, or 324 MB fp16) as int4 (a
 * 132 MB session) in a child JVM with a 64 MB heap, which reports its resident set after
 * ONNX Runtime started and its peak ({@code VmHWM}) after loading and one decoding step. A
 * loader that kept the checkpoint's tensors mapped, or copied them, would add the checkpoint's
 * size on top of what a streaming load adds, and break the budget. The {@code .bin} writer of
 * {@code bench --stored bin} streams too: a child JVM with a 16 MB heap writes the fp16
 * checkpoint in three shards, adding about one tensor to its resident set. Linux only
 * ({@code /proc/self/status}).
 */
class StreamingLoaderTest {

    /** Twelve layers of hidden 1024: 648 MB in fp32, 324 MB in fp16, a 132 MB int4 session (fp32 embedding and head). */
    static final SyntheticCheckpoint.Shape SHAPE = new SyntheticCheckpoint.Shape(1024, 2816, 8, 12, 4096, 512);

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0} checkpoint as {1}, cold and warm")
    @CsvSource({"F32, int4", "F16, int4", "BIN, int4"})
    @DisplayName("loading adds far less than the checkpoint to the resident set, cold (quantizing) and warm")
    void loaderHoldsNoWholeModelCopy(String stored, String dtype) throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs Linux's /proc/self/status to read peak memory");
        Path model = temp.resolve("model");
        // BIN as GAIR released Auto-J-13B: fp16 in three torch.save shards with an index
        long checkpoint = stored.equals("BIN") ? SyntheticCheckpoint.writeTorchBin(model, SHAPE, 5, 120L << 20)
                : SyntheticCheckpoint.write(model, SHAPE, 5, stored);
        Path cache = temp.resolve("cache");
        for (String start : List.of("cold", "warm")) {
            Map<String, Long> run = child(model, cache, dtype);
            long added = run.get("peak") - run.get("baseline");
            long weights = run.get("weights");
            System.out.printf("%s %s as %s: checkpoint %d MB, session weights %d MB, loading added %d MB to the resident set%n",
                    start, stored, dtype, checkpoint >> 20, weights >> 20, added >> 20);
            assertThat(weights).as("the session is much smaller than the checkpoint").isLessThan(checkpoint / 2);
            // the session's weights, ONNX Runtime's packed copy of them, one tensor in flight and the
            // runtime's working memory; a loader that kept the checkpoint's pages (mapped or copied)
            // would add the whole checkpoint on top, which is more than this budget's slack
            long budget = 2 * weights + (96L << 20);
            assertThat(checkpoint + weights).as("a whole-model copy would break the budget").isGreaterThan(budget);
            assertThat(added).as("%s start: resident memory added by loading", start).isLessThan(budget);
        }
    }

    @Test
    @DisplayName("bench's .bin writer holds one tensor at a time: a 324 MB checkpoint written by a JVM of 16 MB heap adds far less to its resident set")
    void binWriterStreams() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs Linux's /proc/self/status to read peak memory");
        Path model = temp.resolve("bin");
        Matcher m = Pattern.compile("baseline=(\\d+) peak=(\\d+) bytes=(\\d+)")
                .matcher(run("-Xmx16m", WriterMemoryChild.class, model.toString(), Long.toString(120L << 20)));
        assertThat(m.find()).isTrue();
        long added = Long.parseLong(m.group(2)) - Long.parseLong(m.group(1));
        long checkpoint = Long.parseLong(m.group(3));
        System.out.printf("writing a %d MB .bin checkpoint added %d MB to the resident set%n", checkpoint >> 20, added >> 20);
        try (Stream<Path> files = Files.list(model)) {
            assertThat(files.filter(f -> f.toString().endsWith(".bin")).count()).as("three shards").isEqualTo(3);
        }
        // the largest tensor (8 MB) mapped while written, and the JVM's own growth; a writer that
        // held a shard (108 MB) or the model would break it
        long budget = 64L << 20;
        assertThat(checkpoint).isGreaterThan(3 * budget);
        assertThat(added).as("resident memory added by writing").isLessThan(budget);
        assertThat(SyntheticCheckpoint.write(temp.resolve("st"), SHAPE, 5, "F16")).isEqualTo(checkpoint);
    }

    private Map<String, Long> child(Path model, Path cache, String dtype) throws IOException, InterruptedException {
        String out = run("-Xmx64m", LoaderMemoryChild.class, model.toString(), cache.toString(), dtype);
        Matcher m = Pattern.compile("baseline=(\\d+) peak=(\\d+) weights=(\\d+) anon=\\d+ file=\\d+ token=(-?\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Integer.parseInt(m.group(4))).as("a token was decoded").isBetween(0, SHAPE.vocab() - 1);
        return Map.of("baseline", Long.parseLong(m.group(1)), "peak", Long.parseLong(m.group(2)),
                "weights", Long.parseLong(m.group(3)));
    }

    /** Runs {@code main} in a child JVM of this one with the heap limit {@code xmx}; its output, once it exited 0. */
    static String run(String xmx, Class<?> main, String... args) throws IOException, InterruptedException {
        return run(List.of(xmx), main, args);
    }

    /** Runs {@code main} in a child JVM of this one with the JVM options {@code jvm}; its output, once it exited 0. */
    static String run(List<String> jvm, Class<?> main, String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
