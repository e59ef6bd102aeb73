package dev.autoj.onnx;

import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.runtime.OrtRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Run by {@link SharedThreadsTest} in a child JVM (the ONNX Runtime environment is one per
 * process, so each setting needs a fresh one): opens the int4 checkpoint {@code args[0]} with the
 * cache folder {@code args[1]}, decodes one token, and prints one line
 * {@code shared=<true|false> added=<threads added by opening the backend> token=<id>}.
 */
public final class ThreadsChild {

    private ThreadsChild() {
    }

    public static void main(String[] args) throws Exception {
        boolean shared = OrtRuntime.sharedThreads();
        long before = threads();
        OnnxOptions options = OnnxOptions.of(Path.of(args[0])).withCacheDir(Path.of(args[1])).withDtype(Dtype.INT4)
                .withMaxNewTokens(1);
        try (OnnxBackend backend = OnnxBackend.open(options)) {
            TokenGeneration g = backend.generateIds(new int[] {1, 17, 42, 99}, 1);
            System.out.println("shared=" + shared + " added=" + (threads() - before) + " token="
                    + (g.ids().length > 0 ? g.ids()[0] : -1));
        }
    }

    /** The process's threads, Java's and native ones alike. */
    private static long threads() throws Exception {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.count();
        }
    }
}
