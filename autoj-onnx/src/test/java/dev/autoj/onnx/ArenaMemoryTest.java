package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long prefill on a decoder of many parts: ONNX Runtime's arena keeps the largest working set its
 * session ever needed, so unless it is shrunk after the run (the default,
 * {@code autoj.onnx.arenaShrink}) what the prefill leaves resident grows with the number of parts.
 */
class ArenaMemoryTest {

    /** Eight layers (a 4-bit decoder of eight parts), 4 heads, a vocabulary of 512, 2048 positions. */
    private static final SyntheticCheckpoint.Shape SHAPE = new SyntheticCheckpoint.Shape(256, 688, 4, 8, 512, 2048);
    private static final int PROMPT = 1500;

    @TempDir
    Path temp;

    @Test
    @DisplayName("with the arenas shrunk after it, a 1,500-token step over eight parts leaves a fraction of what it leaves with the arenas kept, and the same token")
    void partsDoNotKeepTheirPrefillPeaks() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs Linux's /proc/self/status to read the resident set");
        Path model = temp.resolve("model");
        SyntheticCheckpoint.write(model, SHAPE, 7, "F32");
        long[] arena = child(model, false);
        long[] none = child(model, true);
        long keptWithArena = arena[1] - arena[0];
        long keptWithout = none[1] - none[0];
        System.out.printf("a %d-token step over %d parts left %d MB resident with the arenas kept, %d MB with them shrunk%n", PROMPT,
                SHAPE.layers(), keptWithArena >> 20, keptWithout >> 20);
        assertThat(keptWithArena).as("arenas kept (the case this guards against)").isGreaterThan(200L << 20);
        assertThat(keptWithout).as("shrunk: %d MB against %d MB", keptWithout >> 20, keptWithArena >> 20)
                .isLessThan(keptWithArena / 3);
        assertThat(none[2]).as("the same greedy token").isEqualTo(arena[2]);
    }

    private long[] child(Path model, boolean shrink) throws Exception {
        String out = StreamingLoaderTest.run(List.of("-Xmx128m", "-D" + EngineSwitches.ARENA_SHRINK_PROPERTY + "=" + shrink),
                ArenaChild.class, model.toString(), temp.resolve("cache").toString(), Integer.toString(PROMPT));
        Matcher m = Pattern.compile("before=(\\d+) after=(\\d+) token=(-?\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }
}
