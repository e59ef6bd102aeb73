package dev.autoj.onnx.internal.checkpoint;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Frees direct and memory-mapped buffers when the loader is done with them, instead of at some
 * later garbage collection. A mapped tensor whose pages were read stays in the process's resident
 * set until it is unmapped: a loader that reads a 52 GB checkpoint tensor by tensor and leaves
 * each mapping to the collector holds the pages of every tensor it read so far (on Auto-J-13B
 * that filled the 24 GB machine). Unmapping each tensor once it is converted keeps one tensor
 * resident at a time.
 *
 * <pre>{@code
 * Tensor t = checkpoint.tensor(name, shape);
 * QuantizedLinear q = QuantizedLinear.quantize(t, 32, true);
 * Buffers.free(t.data());   // the source pages leave the resident set now
 * }</pre>
 */
public final class Buffers {

    private static final Method INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        Method cleaner;
        Object unsafe = null;
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = field.get(null);
            cleaner = type.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            cleaner = null;
        }
        INVOKE_CLEANER = cleaner;
        UNSAFE = unsafe;
    }

    private Buffers() {
    }

    /**
     * Frees a direct buffer (or unmaps a mapped one) now. Only for buffers nothing will read
     * again: a later read of a freed buffer crashes the JVM. A view (slice or duplicate) cannot
     * be freed and is left to the collector. Returns whether the memory was released.
     */
    public static boolean free(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null || buffer == null || !buffer.isDirect()) {
            return false;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
