package dev.autoj.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.onnx.internal.checkpoint.ModelConfig;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The generation graph (route LOOP, {@link dev.autoj.onnx.internal.graph.GenerationGraph}):
 * prefill and every greedy step of a batch in one run, the key/value cache kept where the
 * session runs.
 */
final class LoopDecoder {

    private final OrtEnvironment env;
    private final ModelConfig config;
    private final OrtSession session;

    LoopDecoder(OrtEnvironment env, ModelConfig config, OrtSession session) {
        this.env = env;
        this.config = config;
        this.session = session;
    }

    /**
     * Generates greedily for a batch in one run of the generation graph: prompts left-padded to
     * the longest, each row allowed {@code budgets[b]} tokens.
     *
     * @return per row, the token chosen at every step the run made (at most {@code max(budgets)});
     *     a row's tokens after its first EOS or beyond its budget are filler the caller drops
     */
    int[][] generate(int[][] prompts, int[] budgets) {
        int batch = prompts.length;
        int longest = 0;
        for (int b = 0; b < batch; b++) {
            longest = Math.max(longest, prompts[b].length);
            if (budgets[b] < 1 || (long) prompts[b].length + budgets[b] > config.contextWindow()) {
                throw new BackendException("Prompt " + (b + 1) + " of " + batch + " has " + prompts[b].length
                        + " tokens and a budget of " + budgets[b] + "; the budget must be at least 1 and both together"
                        + " must fit the model's context window of " + config.contextWindow() + ".");
            }
        }
        long[] ids = new long[batch * longest];
        long[] mask = new long[batch * longest];
        long[] limits = new long[batch];
        for (int b = 0; b < batch; b++) {
            int offset = longest - prompts[b].length;
            for (int i = 0; i < prompts[b].length; i++) {
                ids[b * longest + offset + i] = prompts[b][i];
                mask[b * longest + offset + i] = 1;
            }
            limits[b] = budgets[b];
        }
        try (OnnxTensor idTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {batch, longest});
                OnnxTensor maskTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {batch, longest});
                OnnxTensor budgetTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(limits), new long[] {batch});
                OrtSession.Result result = session.run(Map.of("input_ids", idTensor, "prompt_mask", maskTensor,
                        "budgets", budgetTensor), Set.of("tokens"))) {
            OnnxTensor tokens = (OnnxTensor) result.get("tokens").orElseThrow();
            long[] shape = tokens.getInfo().getShape();
            int steps = Math.toIntExact(shape[0]);
            LongBuffer values = tokens.getLongBuffer();
            int[][] out = new int[batch][steps];
            for (int t = 0; t < steps; t++) {
                for (int b = 0; b < batch; b++) {
                    out[b][t] = Math.toIntExact(values.get(t * batch + b));
                }
            }
            return out;
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime failed generating a batch of " + batch + " prompts (longest " + longest
                    + " tokens, up to " + Arrays.stream(budgets).max().orElse(0) + " new tokens) in one run: "
                    + e.getMessage(), e);
        }
    }
}
