package dev.autoj.onnx.internal.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where one tensor's bytes lie in a weights file, in any element type (safetensors dtype names:
 * F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL). The bytes are contiguous, row-major and
 * little-endian from {@code begin} (inclusive) to {@code end} (exclusive); {@link #map()} views
 * them without copying.
 *
 * <pre>{@code
 * for (StoredTensor t : TorchBin.read(Path.of("pytorch_model.bin"))) {
 *     ByteBuffer bytes = t.map();
 * }
 * }</pre>
 */
public record StoredTensor(String name, Path file, String dtype, long[] shape, long begin, long end) {

    /** Bytes per element of a safetensors dtype name, or 0 when the name is unknown. */
    public static int width(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL" -> 1;
            default -> 0;
        };
    }

    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** A read-only little-endian view of the bytes, memory-mapped from the file. */
    public ByteBuffer map() {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, begin, end - begin).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException("Cannot map tensor " + name + " from " + file + ": " + e, e);
        }
    }
}
