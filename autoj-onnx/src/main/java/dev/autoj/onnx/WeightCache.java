package dev.autoj.onnx;

import ai.onnxruntime.OnnxJavaType;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.onnx.internal.checkpoint.Buffers;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.checkpoint.QuantizedLinear;
import dev.autoj.onnx.internal.checkpoint.QuantizedWeights;
import dev.autoj.onnx.internal.checkpoint.Tensor;
import dev.autoj.onnx.internal.graph.LlamaGraph;
import dev.autoj.onnx.internal.graph.LlamaWeights;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The 4-bit session's weights on disk, exactly as the session takes them: the fp32 embedding and
 * norms, and for every linear layer its MatMulNBits codes, scales and zero points, one file per
 * checkpoint and layout beside a file holding its length and CRC-32C. A warm start maps the file
 * and hands the mapped ranges to ONNX Runtime: nothing is quantized or converted, and no tensor
 * data of the source checkpoint is read (only {@code config.json} and the safetensors headers,
 * which key the entry). An entry whose bytes do not match its checksum (a crash mid-write, a
 * damaged disk) is rebuilt, never loaded. Writes go to a temporary file moved into place, as in
 * {@link ModelCache}.
 *
 * <p>CRC-32C rather than SHA-256 (the graph cache's): the file is hundreds of MB and is checked on
 * every start; CRC-32C runs at memory speed (a hardware instruction) and catches truncation and
 * flipped bits, which is what it guards against. It is read with plain reads into small
 * buffers, in parallel chunks, so checking does not map the embedding table into this process (its pages would then
 * count in the resident set; the session itself touches only the rows it gathers).
 */
final class WeightCache {

    /** Bump when the file layout or the quantizer changes what it writes. */
    static final String VERSION = "int4-weights-2";

    /** Each range starts on a 64-byte boundary: aligned loads for the kernels, and cheap to skip. */
    private static final int ALIGN = 64;

    private WeightCache() {
    }

    /** One initializer: its name, shape and element type as the graph declares it, and its place in the file. */
    record Slot(String name, long[] shape, OnnxJavaType type, long offset, long bytes, boolean packedByOrt) {
    }

    /**
     * The mapped weights, by initializer name, in the session's layout. {@code releasable} are
     * the 4-bit codes and an fp32 output head, which ONNX Runtime copies into its own packed layout when the session is
     * created (see {@link #release}).
     */
    record Mapped(Map<String, Slot> slots, Map<String, ByteBuffer> buffers, List<MappedByteBuffer> releasable,
            ModelCache.Outcome outcome) {

        /**
         * Unmaps the range of {@code name} once nothing will read it again (see {@link #release}); unmapping a
         * range twice is harmless (a buffer's cleaner runs once).
         */
        void release(String name) {
            WeightCache.release(buffers.get(name));
        }
    }

    /**
     * The initializers of a quantize-on-load int4 graph, in file order: with {@code fp16} (the
     * CUDA generation graph, fp16 activations) the embedding, norms, an unquantized head and the
     * scales are fp16, otherwise fp32.
     */
    static List<Slot> layout(ModelConfig config, LlamaGraph.Int4 int4, boolean fp16) {
        List<Slot> slots = new ArrayList<>();
        long offset = 0;
        int wide = fp16 ? 2 : 4;
        OnnxJavaType wideType = fp16 ? OnnxJavaType.FLOAT16 : OnnxJavaType.FLOAT;
        for (LlamaWeights.Weight w : LlamaWeights.unquantizedWeights(config, int4)) {
            long bytes = elements(w.shape()) * wide;
            // an fp32 head is a MatMul weight ONNX Runtime prepacks (MLAS' panels) and then reads from
            // its own copy, as the 4-bit codes; the embedding and the norms are read where they lie
            slots.add(new Slot(w.name(), w.shape(), wideType, offset, bytes, w.name().equals("lm_head.weight")));
            offset = align(offset + bytes);
        }
        for (LlamaWeights.Weight w : LlamaWeights.quantizedWeights(config, int4)) {
            long out = w.shape()[0];
            long blocks = (w.shape()[1] + int4.blockSize() - 1) / int4.blockSize();
            long codes = out * blocks * int4.blockSize() / 2;
            slots.add(new Slot(w.name() + LlamaGraph.Q4, new long[] {out, blocks, int4.blockSize() / 2},
                    OnnxJavaType.UINT8, offset, codes, true));
            offset = align(offset + codes);
            // the scales and zero points are packed beside the codes on x86-64 at accuracy level 4
            slots.add(new Slot(w.name() + LlamaGraph.SCALES, new long[] {out * blocks}, wideType,
                    offset, out * blocks * wide, EngineSwitches.scalesPacked(int4)));
            offset = align(offset + out * blocks * wide);
            if (int4.zeroPoints()) {
                long zp = out * ((blocks + 1) / 2);
                slots.add(new Slot(w.name() + LlamaGraph.ZERO_POINTS, new long[] {zp}, OnnxJavaType.UINT8,
                        offset, zp, EngineSwitches.scalesPacked(int4)));
                offset = align(offset + zp);
            }
        }
        return slots;
    }

    /**
     * Maps the entry for {@code checkpoint} quantized as {@code int4} by {@code quantized} in the
     * fp32 layout of the CPU graphs or, with {@code fp16}, the fp16 layout of the CUDA generation
     * graph, writing it first when it is missing or damaged: one tensor quantized at a time and
     * freed once written, so the direct memory a cold start needs is one weight's, at any size.
     */
    static Mapped load(Path cacheDir, ModelConfig config, Checkpoint checkpoint, LlamaGraph.Int4 int4,
            QuantizedWeights quantized, boolean fp16) {
        if (!int4.inputOrders().isEmpty()) {
            throw new IllegalArgumentException("act-order layouts are not cached");
        }
        // the fp32 layout's key is the one earlier versions wrote, so their entries stay valid
        String key = ModelCache.sha256((VERSION + "\n" + ByteOrder.nativeOrder() + "\n" + config + "\n"
                + checkpoint.fingerprint() + "\n" + int4 + (fp16 ? "\nfp16" : "")).getBytes(StandardCharsets.UTF_8))
                .substring(0, 32);
        Path file = cacheDir.resolve(key + ".int4");
        Path sum = cacheDir.resolve(key + ".int4.crc32c");
        List<Slot> slots = layout(config, int4, fp16);
        long length = slots.isEmpty() ? 0 : slots.get(slots.size() - 1).offset() + slots.get(slots.size() - 1).bytes();
        boolean present = Files.isRegularFile(file) || Files.isRegularFile(sum);
        ModelCache.Outcome outcome = ModelCache.Outcome.HIT;
        try {
            if (!valid(file, sum, length)) {
                Files.createDirectories(cacheDir);
                write(file, sum, slots, length, config, checkpoint, int4, quantized, fp16);
                outcome = present ? ModelCache.Outcome.REBUILT : ModelCache.Outcome.BUILT;
            }
            return map(file, slots, outcome);
        } catch (IOException e) {
            throw new BackendException("Cannot use the model cache folder " + cacheDir + " for 4-bit weights: " + e
                    + ". Point the cache directory at a writable folder.", e);
        }
    }

    /** The file is checksummed in chunks of this size, so that all cores can check it at once. */
    private static final int CHUNK = 16 << 20;

    private static boolean valid(Path file, Path sum, long length) throws IOException {
        if (!Files.isRegularFile(file) || !Files.isRegularFile(sum) || Files.size(file) != length) {
            return false;
        }
        String expected = Files.readString(sum, StandardCharsets.US_ASCII).strip();
        return expected.equals(length + " " + crc(file, length));
    }

    /**
     * CRC-32C of each 16 MB chunk of the file, in order, space-separated: the chunks are read in
     * parallel through positional reads into one small buffer per chunk (nothing mapped), so the
     * check uses every core (it took about 0.22 s on one core for the 0.4 GB bench entry).
     */
    private static String crc(Path file, long length) throws IOException {
        int chunks = Math.toIntExact((length + CHUNK - 1) / CHUNK);
        String[] sums = new String[chunks];
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
                CRC32C crc = new CRC32C();
                ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
                long position = (long) c * CHUNK;
                long end = Math.min(length, position + CHUNK);
                try {
                    while (position < end) {
                        buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                        int n = in.read(buffer, position);
                        if (n < 0) {
                            throw new IOException("unexpected end of " + file);
                        }
                        position += n;
                        buffer.flip();
                        crc.update(buffer);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    release(buffer);
                }
                sums[c] = String.format(Locale.ROOT, "%08x", crc.getValue());
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return String.join(" ", sums);
    }

    private static void write(Path file, Path sum, List<Slot> slots, long length, ModelConfig config, Checkpoint checkpoint,
            LlamaGraph.Int4 int4, QuantizedWeights quantized, boolean fp16) throws IOException {
        Map<String, Slot> byName = new LinkedHashMap<>();
        for (Slot s : slots) {
            byName.put(s.name(), s);
        }
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                for (LlamaWeights.Weight w : LlamaWeights.unquantizedWeights(config, int4)) {
                    Tensor tensor = checkpoint.tensor(w.name(), w.shape());
                    ByteBuffer data = fp16 ? Initializers.asFloat16(tensor) : Initializers.asFloat32(tensor);
                    writeAt(out, data, byName.get(w.name()));
                    // written: the fp32 bytes (the source's mapping, or the converted copy, which
                    // already unmapped the source) are not read again
                    release(data);
                }
                for (LlamaWeights.Weight w : LlamaWeights.quantizedWeights(config, int4)) {
                    QuantizedLinear q = quantized.linear(w.name(), w.shape());
                    if (q.blockSize() != int4.blockSize() || (q.zeroPoints() != null) != int4.zeroPoints()) {
                        throw new BackendException("The 4-bit weight " + w.name() + " from " + checkpoint.dir()
                                + " is not in the layout the decoder was built for (blocks of " + int4.blockSize() + ").");
                    }
                    writeAt(out, q.packed(), byName.get(w.name() + LlamaGraph.Q4));
                    ByteBuffer scales = fp16 ? Initializers.halves(q.scales()) : q.scales();
                    writeAt(out, scales, byName.get(w.name() + LlamaGraph.SCALES));
                    if (fp16) {
                        release(scales);
                    }
                    if (int4.zeroPoints()) {
                        writeAt(out, q.zeroPoints(), byName.get(w.name() + LlamaGraph.ZERO_POINTS));
                    }
                    // the quantized copy is in the file now: free it at once rather than at some later collection
                    release(q.packed());
                    release(q.scales());
                    release(q.zeroPoints());
                }
                if (out.size() < length) {
                    out.write(ByteBuffer.allocate(1), length - 1);
                }
            }
            move(temp, file);
        } finally {
            Files.deleteIfExists(temp);
        }
        Path sumTemp = Files.createTempFile(sum.getParent(), sum.getFileName().toString(), ".tmp");
        try {
            Files.writeString(sumTemp, length + " " + crc(file, length), StandardCharsets.US_ASCII);
            move(sumTemp, sum);
        } finally {
            Files.deleteIfExists(sumTemp);
        }
    }

    private static void writeAt(FileChannel out, ByteBuffer data, Slot slot) throws IOException {
        ByteBuffer view = data.duplicate();
        view.clear();
        if (view.remaining() != slot.bytes()) {
            throw new IllegalStateException(slot.name() + " holds " + view.remaining() + " bytes, the layout needs " + slot.bytes());
        }
        long position = slot.offset();
        while (view.hasRemaining()) {
            position += out.write(view, position);
        }
    }

    private static Mapped map(Path file, List<Slot> slots, ModelCache.Outcome outcome) throws IOException {
        Map<String, Slot> bySlot = new LinkedHashMap<>();
        Map<String, ByteBuffer> buffers = new LinkedHashMap<>();
        List<MappedByteBuffer> releasable = new ArrayList<>();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            for (Slot s : slots) {
                // one mapping per initializer, so each can be unmapped on its own
                MappedByteBuffer mapped = in.map(FileChannel.MapMode.READ_ONLY, s.offset(), s.bytes());
                mapped.order(ByteOrder.nativeOrder());
                bySlot.put(s.name(), s);
                buffers.put(s.name(), mapped);
                if (s.packedByOrt()) {
                    releasable.add(mapped);
                }
            }
        }
        return new Mapped(bySlot, buffers, releasable, outcome);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static long align(long offset) {
        return (offset + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** Elements of a tensor of {@code shape}. */
    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * Frees a direct buffer (or unmaps a mapped one) now instead of at a later garbage collection.
     * Only for buffers nothing will read again; a view (slice or duplicate) cannot be freed and is
     * left to the collector. Returns whether the memory was released.
     */
    static boolean release(ByteBuffer buffer) {
        return Buffers.free(buffer);
    }
}
