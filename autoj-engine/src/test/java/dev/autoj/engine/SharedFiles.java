package dev.autoj.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only ground truth beside the repository ({@code ../shared}): the Auto-J
 * testbed, the Prometheus 2 reference data and the real tokenizers. Tests that need it skip with a clear message when absent,
 * and never write there.
 */
public final class SharedFiles {

    private SharedFiles() {
    }

    /** The shared folder, from {@code -Dautoj.shared.dir} (set by the build) or {@code ../shared}. */
    public static Path root() {
        String configured = System.getProperty("autoj.shared.dir");
        Path root = configured != null ? Path.of(configured) : Path.of("..", "shared");
        return root.toAbsolutePath().normalize();
    }

    /** A file of the Auto-J testbed; skips the calling test when it is absent. */
    public static Path testbed(String file) {
        return require(root().resolve("autoj-testbed").resolve(file));
    }

    /** A file of the Prometheus 2 reference data ({@code ../shared/prometheus}); skips the calling test when it is absent. */
    public static Path prometheus(String file) {
        return require(root().resolve("prometheus").resolve(file));
    }

    /** A tokenizer folder's {@code tokenizer.json} ({@code "llama2"}, {@code "mistral"}); skips when absent. */
    public static Path tokenizer(String name) {
        return require(root().resolve("tokenizers").resolve(name).resolve("tokenizer.json"));
    }

    private static Path require(Path file) {
        assumeTrue(Files.isRegularFile(file), () -> "Skipped: " + file.getFileName()
                + " is not there; the reference data (Auto-J testbed, Prometheus facts, tokenizers) lives in ../shared beside the repository (set -Dautoj.shared.dir to point elsewhere).");
        return file;
    }
}
