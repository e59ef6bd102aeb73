package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import dev.autoj.onnx.internal.runtime.OrtRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sessions of a split 4-bit decoder share one thread pool ({@link OrtRuntime}): opening one
 * starts no pool per part, and the tokens are the same with a pool per session.
 */
class SharedThreadsTest {

    /** Eight layers: a 4-bit CPU decoder of eight parts (one session per layer). */
    private static final SyntheticCheckpoint.Shape SHAPE = new SyntheticCheckpoint.Shape(256, 688, 4, 8, 4096, 512);

    @TempDir
    Path temp;

    @Test
    @DisplayName("the parts of a 4-bit decoder run on one shared pool: no threads per part, same token as a pool each")
    void partsShareOnePool() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc/self/task to count threads");
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "with one core a session's pool has no thread of its own to count");
        Path model = temp.resolve("model");
        SyntheticCheckpoint.write(model, SHAPE, 7, "F32");
        Run perSession = child(model, temp.resolve("cache"), false);
        Run shared = child(model, temp.resolve("cache"), true);
        assertThat(perSession.shared()).isFalse();
        assertThat(shared.shared()).isTrue();
        // a pool per part adds at least one native thread for each of the eight parts
        assertThat(perSession.added()).as("threads added with a pool per session").isGreaterThanOrEqualTo(SHAPE.layers());
        assertThat(shared.added()).as("threads added with the shared pool").isLessThan(perSession.added() - SHAPE.layers() + 2);
        assertThat(shared.token()).as("the same greedy token either way").isEqualTo(perSession.token()).isNotNegative();
    }

    private record Run(boolean shared, long added, int token) {
    }

    private static Run child(Path model, Path cache, boolean shared) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m",
                "-D" + OrtRuntime.SHARED_THREADS_PROPERTY + "=" + shared, "-cp", System.getProperty("java.class.path"),
                ThreadsChild.class.getName(), model.toString(), cache.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        Matcher m = Pattern.compile("shared=(true|false) added=(-?\\d+) token=(-?\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return new Run(Boolean.parseBoolean(m.group(1)), Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)));
    }
}
