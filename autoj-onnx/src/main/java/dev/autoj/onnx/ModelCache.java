package dev.autoj.onnx;

import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.internal.checkpoint.Checkpoint;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import dev.autoj.onnx.internal.graph.GenerationGraph;
import dev.autoj.onnx.internal.graph.LlamaGraph;
import dev.autoj.onnx.internal.graph.OnnxGraph.ElemType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * Built decoder graphs on disk, one file per checkpoint and options, each beside a file holding
 * its length and CRC-32C. An entry whose bytes do not match (a crash mid-write, a damaged disk)
 * is rebuilt, never loaded. CRC-32C, not SHA-256: the check runs at every start in a JVM that has
 * not compiled anything yet, where SHA-256 of the 4 MB graph took 0.07–0.09 s and CRC-32C (an
 * intrinsic even in the interpreter) 0.003 s; it guards against truncation and flipped bytes,
 * not against tampering. Writes go to a temporary file moved into place, so parallel test JVMs
 * sharing a cache never see half a file.
 */
final class ModelCache {

    /** Bump when the graph builder changes what it writes, so old entries are not reused. */
    static final String BUILDER_VERSION = "llama-plain-attention-4-cache-rows";
    /** Bump when the generation graph changes. */
    static final String GENERATION_VERSION = "generation-loop-1";

    private ModelCache() {
    }

    /** How the cache served a request. */
    enum Outcome {
        HIT, BUILT, REBUILT;

        /** How two entries served one request together: a hit only if both were, rebuilt if either was. */
        static Outcome of(Outcome a, Outcome b) {
            if (a == REBUILT || b == REBUILT) {
                return REBUILT;
            }
            return a == HIT && b == HIT ? HIT : BUILT;
        }
    }

    /** Which graph of a checkpoint: the step decoder, or the generation graph computing in fp32 or in fp16 (CUDA). */
    enum Kind { STEP, LOOP, LOOP_FP16 }

    record Entry(Path file, Outcome outcome) {
    }

    static Entry load(Path cacheDir, ModelConfig config, Checkpoint checkpoint, Dtype dtype,
            LlamaGraph.Int4 int4) {
        return load(cacheDir, config, checkpoint, dtype, int4, Kind.STEP);
    }

    static Entry load(Path cacheDir, ModelConfig config, Checkpoint checkpoint, Dtype dtype,
            LlamaGraph.Int4 int4, Kind kind) {
        return load(cacheDir, config, checkpoint, dtype, int4, kind, null);
    }

    /** As above; for the step decoder, {@code span} (null: all layers) selects the layers the graph holds. */
    static Entry load(Path cacheDir, ModelConfig config, Checkpoint checkpoint, Dtype dtype,
            LlamaGraph.Int4 int4, Kind kind, LlamaGraph.Span span) {
        LlamaGraph.Span layers = span == null ? LlamaGraph.Span.whole(config) : span;
        boolean whole = layers.equals(LlamaGraph.Span.whole(config));
        // the step decoder's key is unchanged from before generation graphs existed, so its entries stay valid
        String key = sha256((BUILDER_VERSION + "\n" + config + "\n" + checkpoint.fingerprint() + "\n" + dtype
                + (dtype == Dtype.INT4 ? "\n" + int4 : "") + (kind == Kind.STEP ? "" : "\n" + kind + "\n" + GENERATION_VERSION)
                + (whole ? "" : "\nlayers " + layers.from() + "-" + layers.to()))
                .getBytes(StandardCharsets.UTF_8)).substring(0, 32);
        Path file = cacheDir.resolve(key + ".onnx");
        Path sum = cacheDir.resolve(key + ".onnx.crc32c");
        boolean present = Files.isRegularFile(file) || Files.isRegularFile(sum);
        try {
            if (Files.isRegularFile(file) && Files.isRegularFile(sum)) {
                String expected = Files.readString(sum, StandardCharsets.US_ASCII).strip();
                if (expected.equals(checksum(Files.readAllBytes(file)))) {
                    return new Entry(file, Outcome.HIT);
                }
            }
            byte[] model = build(config, dtype, int4, kind, layers);
            Files.createDirectories(cacheDir);
            writeAtomically(file, model);
            writeAtomically(sum, checksum(model).getBytes(StandardCharsets.US_ASCII));
            return new Entry(file, present ? Outcome.REBUILT : Outcome.BUILT);
        } catch (IOException e) {
            throw new BackendException("Cannot use the model cache folder " + cacheDir + ": " + e
                    + ". Point the cache directory at a writable folder.", e);
        }
    }

    static byte[] build(ModelConfig config, Dtype dtype, LlamaGraph.Int4 int4, Kind kind) {
        return build(config, dtype, int4, kind, LlamaGraph.Span.whole(config));
    }

    private static byte[] build(ModelConfig config, Dtype dtype, LlamaGraph.Int4 int4, Kind kind, LlamaGraph.Span span) {
        ElemType compute = kind == Kind.LOOP_FP16 ? ElemType.FLOAT16 : ElemType.FLOAT;
        return switch (kind) {
            case STEP -> switch (dtype) {
                case FP32 -> LlamaGraph.build(config, ElemType.FLOAT, span);
                case FP16 -> LlamaGraph.build(config, ElemType.FLOAT16, span);
                case INT4 -> LlamaGraph.buildInt4(config, int4, span);
            };
            case LOOP, LOOP_FP16 -> switch (dtype) {
                case FP32 -> GenerationGraph.build(config, ElemType.FLOAT, compute);
                case FP16 -> GenerationGraph.build(config, ElemType.FLOAT16, compute);
                case INT4 -> GenerationGraph.buildInt4(config, int4, compute);
            };
        };
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.write(temp, bytes);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The length and CRC-32C of {@code bytes}, as the checksum files hold them. */
    static String checksum(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return bytes.length + " " + Long.toHexString(crc.getValue());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
