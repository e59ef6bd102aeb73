package dev.autoj.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.onnx.WeightClass;
import dev.autoj.onnx.internal.bench.Int4KernelProbe;
import java.io.PrintWriter;
import java.util.Locale;

/** {@code autoj bench}'s output: the figures of one run as text or as one JSON line (the fields listed in the command's help). */
final class BenchReport {

    private BenchReport() {
    }

    /** Prints {@code r} to {@code out}: one JSON line with {@code json}, else a line per figure; {@code dtype} as given. */
    static void print(BenchCommand.Result r, boolean json, String dtype, PrintWriter out) {
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode line = mapper.createObjectNode();
            line.put("model_bytes", r.modelBytes());
            line.put("prefill_tokens_per_s", round(r.prefillTokensPerSecond()));
            line.put("decode_tokens_per_s_batch1", round(r.decodeBatch1()));
            line.put("decode_tokens_per_s_batch8", round(r.decodeBatch8()));
            line.put("measured_bandwidth_bytes_per_s", Math.round(r.bandwidth()));
            line.put("bandwidth_ratio", Math.round(r.bandwidthRatio() * 1000) / 1000.0);
            line.put("route", r.route());
            line.put("session_weight_bytes", r.sessionWeightBytes());
            if (r.firstToken() != null) {
                line.put("time_to_first_token_s", r.firstToken().get("time_to_first_token_s").asDouble());
                line.put("peak_rss_bytes", r.firstToken().get("peak_rss_bytes").asLong());
                line.set("time_to_first_token_parts_s", firstTokenParts(mapper, r.firstToken()));
            }
            if (r.coldStart() != null) {
                line.put("cold_time_to_first_token_s", r.coldStart().get("time_to_first_token_s").asDouble());
                line.put("cold_peak_rss_bytes", r.coldStart().get("peak_rss_bytes").asLong());
                line.set("cold_time_to_first_token_parts_s", firstTokenParts(mapper, r.coldStart()));
            }
            if (r.judgment() != null) {
                line.set("judgment", r.judgment());
            }
            if (r.kernel() != null) {
                Int4KernelProbe k = r.kernel();
                double ceiling = ceilingTokensPerSecond(r);
                line.putObject("int4_kernel").put("bytes", k.bytes()).put("layers", k.layers())
                        .put("bytes_per_s_batch1", Math.round(k.batch1BytesPerSecond()))
                        .put("bandwidth_ratio_batch1", round(k.batch1BytesPerSecond() / r.bandwidth()))
                        .put("batch8_speedup", round(k.batch8Speedup()))
                        .put("ceiling_tokens_per_s_batch1", round(ceiling))
                        .put("ceiling_bandwidth_ratio_batch1", round(ceiling * r.streamedBytesPerStep() / r.bandwidth()))
                        .put("engine_share_batch1", round(r.decodeBatch1() / ceiling));
            }
            ObjectNode classes = line.putObject("session_weights");
            for (WeightClass c : r.weights()) {
                classes.putObject(c.name()).put("bytes", c.bytes()).put("tensors", c.tensors()).put("stored_as", c.storedAs())
                        .put("why", c.why());
            }
            try {
                out.println(mapper.writeValueAsString(line));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a tree of plain values always serialises", e);
            }
        } else {
            out.printf(Locale.ROOT, "model %.2f GB (%s, %s, route %s), %.2f GB of weights read per step%n", r.modelBytes() / 1e9,
                    dtype.toLowerCase(Locale.ROOT), r.device(), r.route(), r.streamedBytesPerStep() / 1e9);
            out.printf(Locale.ROOT, "prefill           %10.1f tokens/s%n", r.prefillTokensPerSecond());
            out.printf(Locale.ROOT, "decode batch 1    %10.2f tokens/s%n", r.decodeBatch1());
            out.printf(Locale.ROOT, "decode batch %d    %10.2f tokens/s (%.1fx batch 1)%n", BenchCommand.BATCH, r.decodeBatch8(),
                    r.decodeBatch1() > 0 ? r.decodeBatch8() / r.decodeBatch1() : 0);
            out.printf(Locale.ROOT, "memory bandwidth  %10.1f GB/s (measured)%n", r.bandwidth() / 1e9);
            out.printf(Locale.ROOT, "bandwidth ratio   %10.3f (batch-1 weight bytes per second / bandwidth)%n", r.bandwidthRatio());
            if (r.kernel() != null) {
                Int4KernelProbe k = r.kernel();
                double ceiling = ceilingTokensPerSecond(r);
                out.printf(Locale.ROOT, "4-bit kernel      %10.1f GB/s alone at batch 1 over %d layers' weights (%.3f of the bandwidth), "
                        + "batch 8 %.2fx batch 1; with it batch 1 could reach %.2f tokens/s (bandwidth ratio %.3f), "
                        + "the engine reached %.3f of that%n", k.batch1BytesPerSecond() / 1e9, k.layers(),
                        k.batch1BytesPerSecond() / r.bandwidth(), k.batch8Speedup(), ceiling,
                        ceiling * r.streamedBytesPerStep() / r.bandwidth(), r.decodeBatch1() / ceiling);
            }
            if (r.firstToken() != null) {
                JsonNode f = r.firstToken();
                out.printf(Locale.ROOT, "first token       %10.3f s in a fresh process, warm caches (median of %d): jvm %.3f, "
                        + "onnx runtime %.3f, graph %.3f, weights %.3f, session %.3f, other %.3f, prefill %.3f (%d tokens)%n",
                        f.get("time_to_first_token_s").asDouble(), BenchCommand.FIRST_TOKEN_RUNS, f.get("jvm_s").asDouble(),
                        f.get("ort_init_s").asDouble(), f.get("graph_s").asDouble(), f.get("weights_s").asDouble(),
                        f.get("session_s").asDouble(), f.get("open_other_s").asDouble(), f.get("prefill_s").asDouble(),
                        BenchCommand.FIRST_TOKEN_PROMPT);
                out.printf(Locale.ROOT, "peak memory       %10.2f GB resident in that process (%.2fx the session's %.2f GB of weights)%n",
                        f.get("peak_rss_bytes").asLong() / 1e9, f.get("peak_rss_bytes").asDouble() / r.sessionWeightBytes(),
                        r.sessionWeightBytes() / 1e9);
            }
            if (r.coldStart() != null) {
                JsonNode c = r.coldStart();
                out.printf(Locale.ROOT, "cold start        %10.3f s to the first token in a fresh process with empty caches "
                        + "(weights %.3f, session %.3f); peak memory %.2f GB (%.2fx the weights)%n",
                        c.get("time_to_first_token_s").asDouble(), c.get("weights_s").asDouble(), c.get("session_s").asDouble(),
                        c.get("peak_rss_bytes").asLong() / 1e9, c.get("peak_rss_bytes").asDouble() / r.sessionWeightBytes());
            }
            if (r.judgment() != null) {
                JsonNode j = r.judgment();
                out.printf(Locale.ROOT, "pairwise judgment %10.1f s for both orders of a %d-token prompt (%s new tokens): prefill "
                        + "%.1f s, decoding %.1f s at %.2f tokens/s a sequence%n", j.get("wall_s").asDouble(),
                        j.get("prompt_tokens").asInt(), j.get("new_tokens"), j.get("prefill_s").asDouble(),
                        j.get("decode_s").asDouble(), j.get("decode_tokens_per_s").asDouble());
            }
            for (WeightClass c : r.weights()) {
                out.printf(Locale.ROOT, "weights %-10s %8.3f GB, %d tensors, %s: %s%n", c.name(), c.bytes() / 1e9, c.tensors(),
                        c.storedAs(), c.why());
            }
            out.printf(Locale.ROOT, "load average      %10.2f on %d cores%n", r.loadAverage(), Runtime.getRuntime().availableProcessors());
        }
        out.flush();
    }

    /**
     * Batch-1 tokens per second if a step took no more than reading its 4-bit weights at the
     * kernel's own rate ({@link Int4KernelProbe}) and its other weights (an fp32 head) at the
     * measured bandwidth: the most batch-1 decoding can reach with these kernels.
     */
    static double ceilingTokensPerSecond(BenchCommand.Result r) {
        long int4 = r.weights().stream().filter(c -> !c.name().equals("embedding") && c.storedAs().startsWith("int4"))
                .mapToLong(WeightClass::bytes).sum();
        long rest = r.streamedBytesPerStep() - int4;
        return 1 / (int4 / r.kernel().batch1BytesPerSecond() + rest / r.bandwidth());
    }

    private static ObjectNode firstTokenParts(ObjectMapper mapper, JsonNode f) {
        ObjectNode parts = mapper.createObjectNode();
        for (String name : new String[] {"jvm", "ort_init", "graph", "weights", "session", "open_other", "prefill"}) {
            parts.put(name, f.get(name + "_s").asDouble());
        }
        return parts;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
