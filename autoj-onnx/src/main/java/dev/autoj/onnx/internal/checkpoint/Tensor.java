package dev.autoj.onnx.internal.checkpoint;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * One checkpoint tensor: its bytes are a read-only, little-endian view of the memory-mapped file,
 * never a copy on the heap.
 */
public record Tensor(String name, Path file, DType dtype, long[] shape, ByteBuffer data) {

    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Element {@code i} as a float, whatever the stored type. */
    public float get(long i) {
        int index = Math.toIntExact(i);
        return switch (dtype) {
            case F32 -> data.getFloat(index * 4);
            case F16 -> Halfs.halfToFloat(data.getShort(index * 2));
            case BF16 -> Halfs.bf16ToFloat(data.getShort(index * 2));
        };
    }
}
