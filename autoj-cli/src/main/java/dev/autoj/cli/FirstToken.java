package dev.autoj.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.OnnxBackend;
import dev.autoj.onnx.OnnxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * The start of a fresh process as a user sees it, run by {@code bench} in a child JVM so that its
 * figures are not those of the benchmark process (which wrote the model and probed memory): time
 * from process start to the first generated token, split into JVM start, ONNX Runtime's native
 * start, the graph, the weights, the session and the prefill, and the peak resident set
 * ({@code VmHWM}). Prints one JSON line; not a user command.
 *
 * <p>Arguments: model folder, cache folder, dtype, route, prompt length, and optionally the
 * parent's {@link System#nanoTime()} just before it started this process. The JVM's start is
 * measured from that: both read the same monotonic clock ({@code CLOCK_MONOTONIC} on Linux),
 * whereas the process start time the JDK reports is derived from the boot time in whole seconds
 * and was measured off by up to a second. Without it, that start time is used.
 */
final class FirstToken {

    private FirstToken() {
    }

    public static void main(String[] args) throws Exception {
        long enteredNanos = System.nanoTime();
        Instant entered = Instant.now();
        Instant started = ProcessHandle.current().info().startInstant().orElse(entered);
        Path model = Path.of(args[0]);
        OnnxOptions options = OnnxOptions.of(model).withCacheDir(Path.of(args[1])).withDtype(Dtype.parse(args[2]))
                .withDevice(Device.CPU).withRoute(OnnxOptions.Route.valueOf(args[3])).withMaxNewTokens(1);
        int promptTokens = Integer.parseInt(args[4]);
        long t1 = System.nanoTime();
        ObjectNode line = new ObjectMapper().createObjectNode();
        try (OnnxBackend backend = OnnxBackend.open(options)) {
            long open = System.nanoTime() - t1;
            int[] prompt = new int[promptTokens];
            prompt[0] = 1;
            Random random = new Random(3);
            for (int i = 1; i < prompt.length; i++) {
                prompt[i] = 3 + random.nextInt(backend.shape().vocabSize() - 3);
            }
            long t2 = System.nanoTime();
            backend.generateIds(prompt, 1);
            long firstToken = System.nanoTime() - t2;
            OnnxBackend.Startup parts = backend.startup();
            double jvm = args.length > 5 ? (enteredNanos - Long.parseLong(args[5])) / 1e9
                    : Duration.between(started, entered).toNanos() / 1e9;
            double ortInit = seconds(parts.runtime());
            double other = open / 1e9 - ortInit - seconds(parts.graph()) - seconds(parts.weights()) - seconds(parts.session());
            line.put("jvm_s", round(jvm));
            line.put("ort_init_s", round(ortInit));
            line.put("graph_s", round(seconds(parts.graph())));
            line.put("weights_s", round(seconds(parts.weights())));
            line.put("session_s", round(seconds(parts.session())));
            line.put("open_other_s", round(other));
            line.put("prefill_s", round(firstToken / 1e9));
            line.put("time_to_first_token_s", round(jvm + (open + firstToken) / 1e9));
        }
        line.put("peak_rss_bytes", peakRss());
        System.out.println(line);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** {@code VmHWM} of this process in bytes, or -1 where {@code /proc} does not say. */
    static long peakRss() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
