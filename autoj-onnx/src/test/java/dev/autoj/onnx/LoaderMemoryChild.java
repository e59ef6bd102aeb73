package dev.autoj.onnx;

import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.onnx.internal.runtime.OrtRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link StreamingLoaderTest} in a child JVM with a small heap: opens a checkpoint as
 * {@code args[2]} with the cache folder {@code args[1]}, decodes one token, and prints one line
 * {@code baseline=<VmRSS after ONNX Runtime started> peak=<VmHWM> weights=<session weight bytes> anon=<RssAnon> file=<RssFile> token=<id>}
 * (the last two after loading),
 * so the parent can compare what loading added to the resident set with the checkpoint's size.
 */
public final class LoaderMemoryChild {

    private LoaderMemoryChild() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        OrtRuntime.environment();
        long baseline = status("VmRSS:");
        OnnxOptions options = OnnxOptions.of(model).withCacheDir(Path.of(args[1])).withDtype(Dtype.parse(args[2]))
                .withMaxNewTokens(1);
        try (OnnxBackend backend = OnnxBackend.open(options)) {
            TokenGeneration g = backend.generateIds(new int[] {1, 17, 42, 99}, 1);
            long weights = backend.sessionWeights().stream().mapToLong(WeightClass::bytes).sum();
            System.out.println("baseline=" + baseline + " peak=" + status("VmHWM:") + " weights=" + weights
                    + " anon=" + status("RssAnon:") + " file=" + status("RssFile:")
                    + " token=" + (g.ids().length > 0 ? g.ids()[0] : g.stopReason() == StopReason.EOS ? backend.config().eosIds().get(0) : -1));
        }
    }

    /** A {@code /proc/self/status} figure in bytes. */
    static long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("/proc/self/status has no " + key);
    }
}
