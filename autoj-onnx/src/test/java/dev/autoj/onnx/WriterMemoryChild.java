package dev.autoj.onnx;

import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import java.nio.file.Path;

/**
 * Run by {@link StreamingLoaderTest} in a child JVM with a small heap: writes
 * {@link StreamingLoaderTest}'s shape as fp16 {@code .bin} shards of at most {@code args[1]} bytes
 * into {@code args[0]} and prints one line
 * {@code baseline=<VmRSS before writing> peak=<VmHWM after> bytes=<tensor bytes written>}.
 */
public final class WriterMemoryChild {

    private WriterMemoryChild() {
    }

    public static void main(String[] args) throws Exception {
        long baseline = LoaderMemoryChild.status("VmRSS:");
        long bytes = SyntheticCheckpoint.writeTorchBin(Path.of(args[0]), StreamingLoaderTest.SHAPE, 5, Long.parseLong(args[1]));
        System.out.println("baseline=" + baseline + " peak=" + LoaderMemoryChild.status("VmHWM:") + " bytes=" + bytes);
    }
}
