package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.SharedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Auto-J-13B's published testbed outputs imported through {@code Main} ({@code store import-testbed})
 * into a store, once per test JVM, for the tests that replay them through a judging command.
 */
final class ImportedTestbed {

    private ImportedTestbed() {
    }

    /** The testbed folder in ../shared; skips the calling test when it is absent. */
    static Path testbed() {
        return SharedFiles.testbed("testdata_pairwise.jsonl").getParent();
    }

    /** The imported store (read only for the tests); imported on first call. */
    static Path store() {
        testbed();
        return Store.DIR;
    }

    private static final class Store {
        static final Path DIR = importOnce();

        /** Into a fresh folder under target/, which the build owns and cleans. */
        private static Path importOnce() {
            try {
                Files.createDirectories(Path.of("target"));
                Path store = Files.createTempDirectory(Path.of("target"), "imported-testbed-").resolve("autoj-store");
                CliRun imported = CliRun.of("store", "import-testbed", "--testbed", testbed().toString(), "--store", store.toString());
                assertThat(imported.exitCode()).as(imported.err()).isZero();
                return store.toAbsolutePath();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create a folder under target/ for the imported testbed store", e);
            }
        }
    }
}
