package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What the weight-cache tests share: logits from a fresh backend served as expected, and the one entry of a kind. */
final class CacheFixtures {

    private CacheFixtures() {
    }

    /** The logits of {@code prompt} from a backend opened now, after checking how the weight cache served it. */
    static float[][] logits(OnnxOptions options, int[] prompt, ModelCache.Outcome expected) {
        try (OnnxBackend backend = OnnxBackend.open(options)) {
            assertThat(backend.weightCacheOutcome()).isEqualTo(expected);
            return backend.logitsOf(prompt);
        }
    }

    /** The single entry in {@code cache} whose name ends with {@code suffix}. */
    static Path onlyEntry(Path cache, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            List<Path> entries = files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
            assertThat(entries).hasSize(1);
            return entries.get(0);
        }
    }
}
