package dev.autoj.engine.backend;

import java.util.Locale;

/**
 * Sampled decoding instead of greedy: what a generation request asks of a back end that can sample
 * ({@link Backend#samples()}). autoj decodes greedily unless a judge is built with sampling; the only
 * sampling offered is {@link #PROMETHEUS_LIBRARY}, what the prometheus-eval library uses and Prometheus 2's
 * published figures were measured with.
 *
 * <pre>{@code
 * Sampling.PROMETHEUS_LIBRARY.describe();   // "sampled: temperature=1.0 top_p=0.9 repetition_penalty=1.03"
 * }</pre>
 *
 * @param temperature the softmax temperature, above 0
 * @param topP the nucleus (top-p) mass, in (0, 1]
 * @param repetitionPenalty vLLM's repetition penalty, 1 for none
 */
public record Sampling(double temperature, double topP, double repetitionPenalty) {

    /** The prometheus-eval library's sampling: temperature 1.0, top-p 0.9, repetition penalty 1.03. */
    public static final Sampling PROMETHEUS_LIBRARY = new Sampling(1.0, 0.9, 1.03);

    /** How often the library asks again when it cannot read an output: 10 asks in all. */
    public static final int PROMETHEUS_LIBRARY_ASKS = 10;

    public Sampling {
        if (!(temperature > 0) || !(topP > 0 && topP <= 1) || !(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("sampling needs temperature > 0, 0 < top_p <= 1 and repetition_penalty > 0, got "
                    + temperature + ", " + topP + ", " + repetitionPenalty);
        }
    }

    /** One line for store keys and reports, e.g. {@code sampled: temperature=1.0 top_p=0.9 repetition_penalty=1.03}. */
    public String describe() {
        return String.format(Locale.ROOT, "sampled: temperature=%s top_p=%s repetition_penalty=%s", temperature, topP,
                repetitionPenalty);
    }
}
