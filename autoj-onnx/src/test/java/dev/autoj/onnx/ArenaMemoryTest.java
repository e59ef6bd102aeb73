package dev.autoj.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoj.onnx.internal.bench.SyntheticCheckpoint;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
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
 * session ever needed, so unless it is shrunk after the run (the default for large runs,
 * {@code autoj.onnx.arenaShrink}) what the prefill leaves resident grows with the number of parts.
 * Small runs keep it, so the next one does not fault the same memory in again.
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

    @Test
    @DisplayName("the arenas are shrunk after long prefill chunks over many parts, kept after a short prefill of a small model and after decoding steps")
    void onlyLargeRunsShrinkTheArenas() {
        ModelConfig tiny = config(256, 688, 4, 8);
        ModelConfig bench1g = config(2048, 5504, 16, 3);
        ModelConfig autoj13b = config(5120, 13824, 40, 40);
        assertThat(StepDecoder.shrinksAfter(tiny, 1, PROMPT, PROMPT, 8)).as("this class's 1,500-token step over eight parts").isTrue();
        assertThat(StepDecoder.shrinksAfter(autoj13b, 1, BatchScheduler.PREFILL_CHUNK, 1000 + BatchScheduler.PREFILL_CHUNK, 16))
                .as("a 13B prefill chunk after 1,000 tokens").isTrue();
        assertThat(StepDecoder.shrinksAfter(autoj13b, 1, 128, 128, 16)).as("a 128-token 13B prefill over 16 parts").isTrue();
        assertThat(StepDecoder.shrinksAfter(bench1g, 1, 128, 128, 3)).as("a 128-token prefill of the 1G bench model").isFalse();
        assertThat(StepDecoder.shrinksAfter(autoj13b, 8, 1, 1400, 16)).as("a 13B decoding step of eight sequences").isFalse();
    }

    private static ModelConfig config(int hidden, int intermediate, int heads, int layers) {
        return new ModelConfig("LlamaForCausalLM", hidden, intermediate, heads, heads, layers, 32000, hidden / heads, 1e-5,
                10000, 4096, false, 1, List.of(2));
    }

    private long[] child(Path model, boolean shrink) throws Exception {
        String out = StreamingLoaderTest.run(List.of("-Xmx128m", "-D" + EngineSwitches.ARENA_SHRINK_PROPERTY + "=" + shrink),
                ArenaChild.class, model.toString(), temp.resolve("cache").toString(), Integer.toString(PROMPT));
        Matcher m = Pattern.compile("before=(\\d+) after=(\\d+) token=(-?\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }
}
