package dev.autoj.onnx;

/**
 * Detects a degenerate loop: the generated tokens end in a block of at most {@link #MAX_PERIOD}
 * tokens repeated back to back until the repeated stretch covers at least {@link #MIN_SPAN}
 * tokens and at least {@link #MIN_REPEATS} copies. A greedy decoder that gets there never leaves
 * (its input repeats, so its choices do), so stopping loses nothing but time. Natural text —
 * a Markdown rule, a list numbered 1. 2. 3. — does not repeat an identical block 64 tokens long.
 */
final class RepetitionGuard {

    static final int MAX_PERIOD = 32;
    static final int MIN_SPAN = 64;
    static final int MIN_REPEATS = 4;

    private RepetitionGuard() {
    }

    /** True when {@code tokens[0..length)} ends in such a loop. */
    static boolean loops(int[] tokens, int length) {
        for (int period = 1; period <= MAX_PERIOD; period++) {
            int span = Math.max(MIN_SPAN, period * MIN_REPEATS);
            span = (span + period - 1) / period * period;
            if (span > length) {
                continue;
            }
            boolean periodic = true;
            for (int i = length - span; i < length - period && periodic; i++) {
                periodic = tokens[i] == tokens[i + period];
            }
            if (periodic) {
                return true;
            }
        }
        return false;
    }
}
