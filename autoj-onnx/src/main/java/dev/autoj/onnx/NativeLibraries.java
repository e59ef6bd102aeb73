package dev.autoj.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;

/**
 * ONNX Runtime's native libraries kept unpacked in the cache folder. Without this, ONNX Runtime's
 * Java binding copies its libraries (28 MB on linux-x64) out of the jar into a new temporary folder
 * at every start: measured 0.21–0.31 s of a start against 0.06–0.09 s when loaded from a folder.
 * Only for the CPU build on Linux (the GPU build loads its provider libraries by other paths), and
 * never when the user chose a folder with {@code onnxruntime.native.path}.
 */
final class NativeLibraries {

    private static final String PROPERTY = "onnxruntime.native.path";
    private static final String[] LIBRARIES = {"libonnxruntime.so", "libonnxruntime4j_jni.so"};
    private static final String[] GPU_ONLY = {"libonnxruntime_providers_shared.so", "libonnxruntime_providers_cuda.so"};

    private static boolean done;

    private NativeLibraries() {
    }

    /**
     * Points ONNX Runtime at unpacked copies of its libraries under {@code cacheDir}, unpacking
     * them first when missing. Must run before the first use of ONNX Runtime in this JVM; later
     * calls, other platforms and any failure leave ONNX Runtime to unpack as usual.
     */
    static synchronized void prepare(Path cacheDir) {
        if (done || System.getProperty(PROPERTY) != null || cacheDir == null) {
            return;
        }
        done = true;
        Path folder = unpacked(cacheDir);
        if (folder != null) {
            System.setProperty(PROPERTY, folder.toAbsolutePath().toString());
        }
    }

    /**
     * The folder under {@code cacheDir} holding this jar's ONNX Runtime libraries, unpacked now
     * if missing; null where this does not apply (see the class comment) or on any failure.
     */
    static Path unpacked(Path cacheDir) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        String platform = arch.equals("amd64") || arch.equals("x86_64") ? "linux-x64" : arch.equals("aarch64") ? "linux-aarch64" : null;
        if (!os.contains("linux") || platform == null) {
            return null;
        }
        String base = "ai/onnxruntime/native/" + platform + "/";
        ClassLoader loader = ai.onnxruntime.OrtEnvironment.class.getClassLoader();
        for (String gpu : GPU_ONLY) {
            if (loader.getResource(base + gpu) != null) {
                return null;
            }
        }
        try {
            // the folder is named by what the jar holds (each entry's size and CRC, read from the jar's
            // directory without inflating anything), so another ONNX Runtime version gets its own folder
            StringBuilder identity = new StringBuilder(platform);
            List<URL> urls = new ArrayList<>();
            for (String name : LIBRARIES) {
                URL url = loader.getResource(base + name);
                if (url == null) {
                    return null;
                }
                urls.add(url);
                identity.append('\n').append(name).append(' ').append(describe(url));
            }
            String key = ModelCache.sha256(identity.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 24);
            Path target = cacheDir.resolve("native").resolve(key);
            if (!Files.isRegularFile(target.resolve(".complete"))) {
                Files.createDirectories(target.getParent());
                Path temp = Files.createTempDirectory(target.getParent(), key + ".tmp");
                try {
                    for (int i = 0; i < LIBRARIES.length; i++) {
                        try (InputStream in = urls.get(i).openStream()) {
                            Files.copy(in, temp.resolve(LIBRARIES[i]));
                        }
                    }
                    Files.createFile(temp.resolve(".complete"));
                    try {
                        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(temp, target);
                    }
                } catch (IOException e) {
                    // another JVM may have moved its copy into place first: then use that one
                    if (!Files.isRegularFile(target.resolve(".complete"))) {
                        throw e;
                    }
                } finally {
                    deleteQuietly(temp);
                }
            }
            return target;
        } catch (IOException | RuntimeException e) {
            // not worth failing a start over: ONNX Runtime unpacks into a temporary folder as before
            return null;
        }
    }

    private static String describe(URL url) throws IOException {
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            return entry.getSize() + " " + Long.toHexString(entry.getCrc());
        }
        return connection.getContentLengthLong() + " " + connection.getLastModified() + " " + url;
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover temporary folder in the cache is harmless
        }
    }
}
