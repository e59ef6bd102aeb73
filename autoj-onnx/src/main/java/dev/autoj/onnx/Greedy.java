package dev.autoj.onnx;

import dev.autoj.engine.backend.StopReason;
import java.util.Arrays;
import java.util.Collection;

/**
 * Greedy decoding's rules, one copy for every decoder (the native step loop, the tokens of the
 * generation graph, the exported decoder): the next token is the highest logit, the lowest id
 * among equals ({@link #argmax}); a sequence stops at EOS (not kept), at its budget, or in a
 * degenerate repetition loop ({@link RepetitionGuard}) ({@link Sequence}). Changing sampling or
 * the stop rule happens here.
 */
final class Greedy {

    private Greedy() {
    }

    /** Index of the largest logit; the lowest index among equals, as a greedy judge must be reproducible. */
    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** One sequence's generated tokens and the rule that ends it. */
    static final class Sequence {
        private final Collection<Integer> eosIds;
        private final int[] generated;
        private int count;
        private StopReason reason;

        Sequence(Collection<Integer> eosIds, int budget) {
            this.eosIds = eosIds;
            this.generated = new int[budget];
        }

        /** Takes the next greedy token; afterwards {@link #reason()} is set if the sequence has stopped. */
        void accept(int token) {
            if (eosIds.contains(token)) {
                reason = StopReason.EOS;
                return;
            }
            generated[count++] = token;
            if (RepetitionGuard.loops(generated, count)) {
                reason = StopReason.REPETITION;
            } else if (count == generated.length) {
                reason = StopReason.LENGTH;
            }
        }

        /** Why the sequence stopped; null while it runs. */
        StopReason reason() {
            return reason;
        }

        boolean running() {
            return reason == null;
        }

        /** The last token kept: the next step's input. */
        int last() {
            return generated[count - 1];
        }

        /** The tokens kept (EOS is not one of them). */
        int[] tokens() {
            return Arrays.copyOf(generated, count);
        }
    }
}
