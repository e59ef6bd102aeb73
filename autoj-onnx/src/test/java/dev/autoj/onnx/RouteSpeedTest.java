package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in measurement behind {@link OnnxBackend#CPU_AUTO_ROUTE}: end-to-end tokens per second of
 * the step loop and the generation graph on the same synthetic model, same prompts, alternating
 * runs (so load from other processes hits both alike), medians printed.
 *
 * <pre>
 * mvn -pl autoj-onnx -am test -Dtest=RouteSpeedTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dautoj.routeSpeed=true -Dautoj.routeSpeed.size=1G -Dautoj.routeSpeed.dtype=FP32
 * </pre>
 */
@EnabledIfSystemProperty(named = "autoj.routeSpeed", matches = "true")
class RouteSpeedTest {

    @TempDir
    Path temp;

    @Test
    void stepVersusLoop() throws Exception {
        String size = System.getProperty("autoj.routeSpeed.size", "12M");
        Dtype dtype = Dtype.valueOf(System.getProperty("autoj.routeSpeed.dtype", "FP32"));
        int runs = Integer.getInteger("autoj.routeSpeed.runs", 5);
        int newTokens = Integer.getInteger("autoj.routeSpeed.newTokens", 32);
        SyntheticCheckpoint.Shape shape = SyntheticCheckpoint.Shape.ofSize(bytes(size));
        SyntheticCheckpoint.write(temp.resolve("m"), shape, 42);
        Random random = new Random(7);
        List<int[]> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int[] p = new int[16];
            p[0] = 1;
            for (int t = 1; t < p.length; t++) {
                p[t] = 3 + random.nextInt(shape.vocab() - 3);
            }
            eight.add(p);
        }
        List<int[]> one = List.of(eight.get(0));
        OnnxOptions base = OnnxOptions.of(temp.resolve("m")).withDtype(dtype).withCacheDir(temp.resolve("cache"));
        double[][] b1 = new double[2][runs];
        double[][] b8 = new double[2][runs];
        try (OnnxBackend step = OnnxBackend.open(base.withRoute(OnnxOptions.Route.STEP));
                OnnxBackend loop = OnnxBackend.open(base.withRoute(OnnxOptions.Route.LOOP))) {
            OnnxBackend[] backends = {step, loop};
            for (OnnxBackend b : backends) {
                assertThat(b.generateIds(one, 4)).hasSize(1);
                assertThat(b.generateIds(eight, 4)).hasSize(8);
            }
            for (int r = 0; r < runs; r++) {
                for (int k = 0; k < 2; k++) {
                    int which = (r + k) % 2; // alternate which route goes first
                    b1[which][r] = rate(backends[which], one, newTokens);
                    b8[which][r] = rate(backends[which], eight, newTokens);
                }
            }
            assertThat(step.generateIds(eight, newTokens).get(3).ids())
                    .containsExactly(loop.generateIds(eight, newTokens).get(3).ids());
        }
        System.out.printf(Locale.ROOT, "route speed, %s %s (hidden %d, %d layers), %d new tokens, load %.2f:%n", size, dtype,
                shape.hidden(), shape.layers(), newTokens, java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        System.out.printf(Locale.ROOT, "  batch 1: step median %.1f tok/s %s, loop median %.1f tok/s %s%n", median(b1[0]),
                fmt(b1[0]), median(b1[1]), fmt(b1[1]));
        System.out.printf(Locale.ROOT, "  batch 8: step median %.1f tok/s %s, loop median %.1f tok/s %s%n", median(b8[0]),
                fmt(b8[0]), median(b8[1]), fmt(b8[1]));
    }

    /** Generated tokens over wall time, prefill included (the loop route cannot separate it). */
    private static double rate(OnnxBackend backend, List<int[]> prompts, int newTokens) throws InterruptedException {
        Thread.sleep(300); // let the other session's idle thread pool stop spinning
        long start = System.nanoTime();
        List<TokenGeneration> out = backend.generateIds(prompts, newTokens);
        long nanos = System.nanoTime() - start;
        long tokens = out.stream().mapToLong(g -> g.ids().length).sum();
        return tokens * 1e9 / nanos;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String fmt(double[] values) {
        StringBuilder b = new StringBuilder("[");
        for (double v : values) {
            b.append(b.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "%.1f", v));
        }
        return b.append("]").toString();
    }

    private static long bytes(String size) {
        String t = size.toUpperCase(Locale.ROOT);
        long unit = t.endsWith("G") ? 1L << 30 : t.endsWith("M") ? 1L << 20 : 1;
        return (long) (Double.parseDouble(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit);
    }
}
