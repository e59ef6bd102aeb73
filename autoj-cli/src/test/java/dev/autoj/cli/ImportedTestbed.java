package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.SharedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

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

        private static Path importOnce() {
            try {
                Path dir = Files.createTempDirectory("autoj-cli-imported");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
                Path store = dir.resolve("autoj-store");
                CliRun imported = CliRun.of("store", "import-testbed", "--testbed", testbed().toString(), "--store", store.toString());
                assertThat(imported.exitCode()).as(imported.err()).isZero();
                return store;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the folder for the imported testbed store", e);
            }
        }

        private static void delete(Path dir) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary folder left behind at JVM exit harms nothing
            }
        }
    }
}
