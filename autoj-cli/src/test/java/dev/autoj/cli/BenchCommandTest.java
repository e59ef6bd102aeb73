package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {

    @TempDir
    Path temp;

    @Test
    @DisplayName("--json prints one line with the six figures, measured on a synthetic model it writes and runs")
    void jsonLineCarriesTheSixFigures() throws Exception {
        CliRun run = CliRun.of(new CommandLine(new BenchCommand()), "--size", "12M", "--prompt-tokens", "8",
                "--new-tokens", "4", "--dir", temp.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String[] lines = run.out().strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines[0]);
        List<String> names = new ArrayList<>();
        line.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("model_bytes", "prefill_tokens_per_s", "decode_tokens_per_s_batch1",
                "decode_tokens_per_s_batch8", "measured_bandwidth_bytes_per_s", "bandwidth_ratio", "route");
        assertThat(line.get("model_bytes").asLong()).isBetween(8L << 20, 16L << 20);
        assertThat(line.get("route").asText()).as("auto on the CPU").isIn("step", "loop");
        for (String name : names.subList(0, names.size() - 1)) {
            assertThat(line.get(name).asDouble()).as(name).isPositive();
        }
        assertThat(Files.size(temp.resolve("model").resolve("model.safetensors")))
                .isGreaterThan(line.get("model_bytes").asLong());
    }

    @Test
    @DisplayName("--route loop measures the generation graph and says so")
    void loopRouteIsMeasuredAndNamed() throws Exception {
        CliRun run = CliRun.of(new CommandLine(new BenchCommand()), "--size", "12M", "--prompt-tokens", "8",
                "--new-tokens", "4", "--dir", temp.toString(), "--route", "loop", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode line = new ObjectMapper().readTree(run.out().strip());
        assertThat(line.get("route").asText()).isEqualTo("loop");
        assertThat(line.get("prefill_tokens_per_s").asDouble()).isPositive();
        assertThat(line.get("decode_tokens_per_s_batch1").asDouble()).isPositive();
        assertThat(line.get("decode_tokens_per_s_batch8").asDouble()).isPositive();
    }

    @Test
    @DisplayName("a route that is not a route is a usage error naming the value")
    void badRouteIsAUsageError() {
        CliRun run = CliRun.of(new CommandLine(new BenchCommand()), "--route", "fast");
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--route fast is not a route");
    }

    @Test
    @DisplayName("a size that is not a size is a usage error naming the value")
    void badSizeIsAUsageError() {
        CliRun run = CliRun.of(new CommandLine(new BenchCommand()), "--size", "lots");
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--size lots is not a size");
    }
}
