package dev.autoj.onnx;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.autoj.onnx.internal.runtime.OrtRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The fp32 step decoder on the CPU as ONNX Runtime saves it after optimising it: the graph, and
 * one data file holding the weights and, beside each {@code Gemm} weight, MLAS' prepacked copy
 * ({@code session.save_external_prepacked_constant_initializers}). A warm start loads that model
 * alone: ONNX Runtime maps the data file, and after checking each weight's packing against the
 * saved one it multiplies from the mapped packed copy, so the process holds no second, anonymous
 * copy of the model (peak resident memory on the 1.13 GB bench model: 1.87 GB without this cache,
 * 1.03 GB with it) and the checkpoint's tensor data is not read.
 *
 * <p>ONNX Runtime still packs each weight once when the session starts (it compares the result
 * with the saved packing by hash and then frees it), so the cache does not remove that time; it
 * removes the copy that stays. The entry is about the model's size plus its packed weights on disk
 * (2.0 GB for the 1.13 GB bench model), and the first start, which writes it, takes several times
 * as long as a start without it.
 *
 * <p>An entry is a folder: {@code model.onnx}, {@code weights.bin} and {@code complete}, which
 * holds the graph's length and CRC-32C and the data file's length and is written last, before the folder is
 * moved into place. The key is the built graph (which names the checkpoint, its config and the
 * dtype), ONNX Runtime's version and this CPU's feature flags, since the saved optimisation may use
 * instructions of the machine that wrote it. A folder whose graph or length does not match, or
 * that ONNX Runtime cannot load, is rebuilt. The data file's bytes are not checksummed on every
 * start (it is twice the model; reading it would cost more than the cache saves); a truncated
 * file is caught by its length, and a write cut short never becomes an entry.
 *
 * <p>Where the entry cannot be written (a read-only or full cache folder, a file in the way), or
 * the disk has less free space than about twice the fp32 weights (checked before anything is
 * written), the session starts as without the cache, after one warning. System property
 * {@code autoj.onnx.packedWeightCache=false} turns it off; it is off with
 * {@code autoj.onnx.fp32Prepacking=false}, which has nothing packed to keep.
 */
final class PackedSessionCache {

    /** Bump when what is saved, or how it is keyed, changes. */
    static final String VERSION = "fp32-prepacked-1";

    /** System property: {@code false} turns the cache off. */
    static final String PROPERTY = "autoj.onnx.packedWeightCache";

    private static final String MODEL = "model.onnx";
    private static final String DATA = "weights.bin";
    private static final String DONE = "complete";

    private static final System.Logger LOG = System.getLogger(PackedSessionCache.class.getName());

    private PackedSessionCache() {
    }

    /** The weights to save, made only when an entry is written. */
    interface Weights {
        Map<String, OnnxTensorLike> get() throws OrtException;
    }

    /** A session on the saved model and how the cache served it. */
    record Opened(OrtSession session, ModelCache.Outcome outcome) {
    }

    /** Whether the cache is on: {@code autoj.onnx.packedWeightCache} is unset, {@code true} or {@code false}; anything else is refused. */
    static boolean enabled() {
        return EngineSwitches.switchProperty(PROPERTY);
    }

    /** The entry folder for {@code graphFile} in {@code cacheDir}. */
    static Path entry(Path cacheDir, Path graphFile, String runtimeVersion) {
        String key = ModelCache.sha256((VERSION + "\n" + graphFile.getFileName() + "\n" + runtimeVersion + "\n" + cpuFeatures())
                .getBytes(StandardCharsets.UTF_8)).substring(0, 32);
        return cacheDir.resolve(key + ".fp32-packed");
    }

    /**
     * Opens the session from the entry for {@code graphFile}, writing the entry first when it is
     * missing or damaged; {@code initializers} supplies the weights only then, and the entry is
     * written only where the disk has room for about twice {@code weightBytes} (the fp32 weights).
     * {@code null} when the entry cannot be written: the caller starts the session without the cache.
     */
    static Opened open(OrtEnvironment env, Path cacheDir, Path graphFile, long weightBytes, Weights initializers) {
        Path entry = entry(cacheDir, graphFile, env.getVersion());
        boolean present = Files.exists(entry);
        if (valid(entry)) {
            try {
                return new Opened(load(env, entry), ModelCache.Outcome.HIT);
            } catch (OrtException e) {
                LOG.log(System.Logger.Level.WARNING, "The packed weight cache entry " + entry
                        + " could not be loaded and is rebuilt: " + EngineSwitches.firstLine(e.getMessage()));
            }
        }
        try {
            write(env, cacheDir, entry, graphFile, weightBytes, initializers);
            return new Opened(load(env, entry), present ? ModelCache.Outcome.REBUILT : ModelCache.Outcome.BUILT);
        } catch (IOException | OrtException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot keep the packed fp32 weights in " + cacheDir + " (" + EngineSwitches.firstLine(e.getMessage())
                    + "); the session starts without them: a second copy of the weights in memory and a slower start."
                    + " Point the cache directory at a writable folder with room for about twice the model, or set -D"
                    + PROPERTY + "=false.");
            return null;
        }
    }

    private static OrtSession load(OrtEnvironment env, Path entry) throws OrtException {
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions()) {
            // as every CPU decoder session: a split decoder runs its two sessions one after the other,
            // and threads still spinning after one run would take the cores from the next
            options.addConfigEntry("session.force_spinning_stop", "1");
            return env.createSession(entry.resolve(MODEL).toString(), options);
        }
    }

    /** Whether the entry is complete: its marker names the graph's checksum and the data file's length, and both match. */
    static boolean valid(Path entry) {
        try {
            Path done = entry.resolve(DONE);
            if (!Files.isRegularFile(done)) {
                return false;
            }
            List<String> lines = Files.readAllLines(done, StandardCharsets.US_ASCII);
            return lines.size() == 2
                    && lines.get(0).equals(ModelCache.checksum(Files.readAllBytes(entry.resolve(MODEL))))
                    && lines.get(1).equals(Long.toString(Files.size(entry.resolve(DATA))));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void write(OrtEnvironment env, Path cacheDir, Path entry, Path graphFile, long weightBytes,
            Weights initializers) throws IOException, OrtException {
        Files.createDirectories(cacheDir);
        if (Files.exists(entry) && !Files.isDirectory(entry)) {
            throw new IOException(entry + " is in the way and is not a cache entry");
        }
        // the entry holds the weights and their packed copies: about twice the fp32 weights
        long needed = 2 * weightBytes + (64L << 20);
        long usable = Files.getFileStore(cacheDir).getUsableSpace();
        if (usable < needed) {
            throw new IOException(String.format(Locale.ROOT, "the entry needs about %.1f GB and the folder's disk has %.1f GB free",
                    needed / 1e9, usable / 1e9));
        }
        Path temp = Files.createTempDirectory(cacheDir, entry.getFileName() + ".tmp");
        try {
            try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions()) {
                // saving reads the weights' bytes from the graph, which only external initializers put there
                options.addExternalInitializers(initializers.get());
                options.setOptimizedModelFilePath(temp.resolve(MODEL).toString());
                options.addConfigEntry("session.optimized_model_external_initializers_file_name", DATA);
                options.addConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
                options.addConfigEntry("session.save_external_prepacked_constant_initializers", "1");
                // ONNX Runtime warns that the saved optimisation is for this machine only: the key says so
                options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                env.createSession(graphFile.toString(), options).close();
            }
            Files.writeString(temp.resolve(DONE), ModelCache.checksum(Files.readAllBytes(temp.resolve(MODEL))) + "\n"
                    + Files.size(temp.resolve(DATA)) + "\n", StandardCharsets.US_ASCII);
            if (Files.isDirectory(entry)) {
                delete(entry);
            }
            try {
                Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, entry);
            } catch (IOException e) {
                // another process wrote the same entry meanwhile: theirs is as good as ours
                if (!valid(entry)) {
                    throw e;
                }
            }
        } finally {
            if (Files.exists(temp)) {
                delete(temp);
            }
        }
    }

    private static void delete(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The CPU's feature flags, which the saved optimisation may depend on, after the architecture. */
    static String cpuFeatures() {
        return (System.getProperty("os.arch", "") + " " + EngineSwitches.CPU_FLAGS).strip();
    }

}
