package dev.autoj.onnx;

import dev.autoj.engine.backend.Dtype;
import java.nio.file.Path;
import java.util.Random;

/**
 * Run by {@link ArenaMemoryTest} in a child JVM: opens the checkpoint {@code args[0]} as int4 with
 * the cache folder {@code args[1]}, decodes a short prompt, then runs a prompt of {@code args[2]}
 * tokens in one step, and prints {@code before=<VmRSS after the short prompt>
 * after=<VmRSS after the long one> token=<its first token>}: what a long prefill leaves resident.
 */
public final class ArenaChild {

    private ArenaChild() {
    }

    public static void main(String[] args) throws Exception {
        OnnxOptions options = OnnxOptions.of(Path.of(args[0])).withCacheDir(Path.of(args[1])).withDtype(Dtype.INT4)
                .withMaxNewTokens(1);
        try (OnnxBackend backend = OnnxBackend.open(options)) {
            Random random = new Random(5);
            int vocab = backend.config().vocabSize();
            backend.generateIds(new int[] {1, 17, 42, 99, 7, 8, 9, 10}, 1);
            long before = LoaderMemoryChild.status("VmRSS:");
            int[] prompt = new int[Integer.parseInt(args[2])];
            prompt[0] = 1;
            for (int i = 1; i < prompt.length; i++) {
                prompt[i] = 3 + random.nextInt(vocab - 3);
            }
            // in one run, not in the scheduler's chunks: the working set of a whole long prompt in every part
            float[][] logits = backend.logitsOf(prompt);
            long after = LoaderMemoryChild.status("VmRSS:");
            System.out.println("before=" + before + " after=" + after + " token=" + Greedy.argmax(logits[logits.length - 1]));
        }
    }
}
