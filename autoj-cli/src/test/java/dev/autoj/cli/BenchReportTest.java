package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.onnx.WeightClass;
import dev.autoj.onnx.internal.bench.Int4KernelProbe;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    @Test
    @DisplayName("int4_kernel: batch 1's ceiling reads the 4-bit weights at the kernel's own rate and the fp32 head at the bandwidth")
    void ceilingOfBatchOne() throws Exception {
        List<WeightClass> weights = List.of(new WeightClass("linear", 7, 1_000_000_000L, "int4 (blocks of 32)", "read every token"),
                new WeightClass("head", 1, 500_000_000L, "fp32", "full width"),
                new WeightClass("embedding", 1, 500_000_000L, "fp32", "a lookup"));
        // the kernel reads 10 GB/s alone, the memory gives 50 GB/s; the engine decodes 4 tokens/s reading 1.5 GB a token
        Int4KernelProbe kernel = new Int4KernelProbe(600L << 20, 3, 10e9, 2.5);
        BenchCommand.Result result = new BenchCommand.Result(4_000_000_000L, 1_500_000_000L, 100, 4.0, 10, 50e9, 1.5e9 * 4 / 50e9,
                "cpu", 0.5, "step", 2_000_000_000L, null, null, weights, null, kernel);
        StringWriter out = new StringWriter();
        BenchReport.print(result, true, "int4", new PrintWriter(out));

        JsonNode k = new ObjectMapper().readTree(out.toString()).get("int4_kernel");
        assertThat(k.get("bandwidth_ratio_batch1").asDouble()).isEqualTo(0.2);
        assertThat(k.get("batch8_speedup").asDouble()).isEqualTo(2.5);
        // a token: 1 GB at 10 GB/s and 0.5 GB at 50 GB/s, 0.11 s
        assertThat(k.get("ceiling_tokens_per_s_batch1").asDouble()).isCloseTo(1 / 0.11, within(0.001));
        assertThat(k.get("ceiling_bandwidth_ratio_batch1").asDouble()).isCloseTo(1.5 / 0.11 / 50, within(0.001));
        assertThat(k.get("engine_share_batch1").asDouble()).isCloseTo(4 * 0.11, within(0.001));
    }

    @Test
    @DisplayName("without a kernel measurement (fp32, or layers too small) there is no int4_kernel field")
    void noKernelNoField() throws Exception {
        BenchCommand.Result result = new BenchCommand.Result(4_000_000_000L, 1_500_000_000L, 100, 4.0, 10, 50e9, 0.12,
                "cpu", 0.5, "step", 2_000_000_000L, null, null, List.of(), null, null);
        StringWriter out = new StringWriter();
        BenchReport.print(result, true, "fp32", new PrintWriter(out));
        assertThat(new ObjectMapper().readTree(out.toString()).has("int4_kernel")).isFalse();
    }
}
