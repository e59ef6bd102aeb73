package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.family.prometheus.Prometheus;
import dev.autoj.engine.family.prometheus.Rubric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autoj judge --model-name prometheus-eval/prometheus-7b-v2.0} with Prometheus 2 request lines, through
 * the same pipeline as Auto-J, against a loopback server that answers each exact prompt with an output
 * <b>this test writes</b> (no Prometheus output exists here; nothing is stored but in a temporary folder).
 * It shows the lines are turned into the library's prompts, the outputs read by Prometheus's reader on its
 * scale, the store verified by that reader, and lines of the other family refused before any model call.
 */
class JudgePrometheusCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String line(String... fieldsAndValues) {
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            node.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return node.toString();
    }

    @Test
    void prometheusLinesAreJudgedThroughThePipelineAndTheStoreVerifies() throws IOException {
        String rubric = "Is the answer correct and brief?";
        String absolute = Prometheus.absolute("What is 2+2?", "4", rubric, "2+2 equals 4.").text();
        String original = Prometheus.relative("What is 2+2?", "4", "five", Rubric.HELPFULNESS, null).text();
        String swapped = Prometheus.relative("What is 2+2?", "five", "4", Rubric.HELPFULNESS, null).text();
        Map<String, String> answers = Map.of(
                absolute, "Written by the test: correct and brief. [RESULT] 4",
                original, "Written by the test: A is right. [RESULT] A",
                swapped, "Written by the test: B is right. [RESULT] B");
        Path in = Files.writeString(dir.resolve("requests.jsonl"), String.join("\n",
                line("protocol", "absolute", "instruction", "What is 2+2?", "response", "4", "rubric", rubric,
                        "reference_answer", "2+2 equals 4."),
                line("protocol", "relative", "instruction", "What is 2+2?", "response_a", "4", "response_b", "five",
                        "rubric", "helpfulness")) + "\n");
        Path out = dir.resolve("judgments.jsonl");
        Path store = dir.resolve("store");

        CliRun run;
        List<String> bodies;
        try (LoopbackCompletionsServer server = new LoopbackCompletionsServer(answers)) {
            run = CliRun.of("judge", "--in", in.toString(), "--out", out.toString(), "--endpoint", server.url(),
                    "--model-name", Prometheus.MODEL_7B, "--mode", "record", "--store", store.toString());
            bodies = server.bodies();
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(bodies).hasSize(3);
        List<JsonNode> lines = new ArrayList<>();
        for (String text : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            lines.add(JSON.readTree(text));
        }
        assertThat(lines.get(0).path("protocol").asText()).isEqualTo("absolute");
        assertThat(lines.get(0).path("rating").asDouble()).isEqualTo(4.0);
        assertThat(lines.get(0).path("model").asText()).isEqualTo(Prometheus.MODEL_7B);
        assertThat(lines.get(1).path("protocol").asText()).isEqualTo("relative");
        assertThat(lines.get(1).path("verdict").asText()).as("A won in both orders").isEqualTo("RESPONSE_1");
        assertThat(lines.get(1).path("consistent").asBoolean()).isTrue();

        CliRun verify = CliRun.of("store", "verify", "--store", store.toString());
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    }

    @Test
    void aLineOfAnotherFamilyIsRefusedBeforeAnyModelCall() throws IOException {
        Path in = Files.writeString(dir.resolve("requests.jsonl"), line("protocol", "absolute", "instruction", "What is 2+2?",
                "response", "4", "rubric", "helpfulness") + "\n");
        CliRun run;
        List<String> bodies;
        try (LoopbackCompletionsServer server = new LoopbackCompletionsServer(Map.of())) {
            run = CliRun.of("judge", "--in", in.toString(), "--out", dir.resolve("out.jsonl").toString(), "--endpoint",
                    server.url(), "--conformance", "off");
            bodies = server.bodies();
        }
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("requests.jsonl", "protocol \"absolute\" is not one of the judge's (GAIR/autoj-13b, Auto-J",
                "--model-name");
        assertThat(bodies).isEmpty();
    }

    @Test
    void samplingIsRefusedForAutojNamingTheOption() throws IOException {
        Path in = Files.writeString(dir.resolve("requests.jsonl"), line("protocol", "single", "query", "q", "response", "a") + "\n");
        CliRun autoj = CliRun.of("judge", "--in", in.toString(), "--out", dir.resolve("out.jsonl").toString(), "--endpoint",
                "http://127.0.0.1:9", "--conformance", "off", "--sampling", "prometheus-library");
        CliRun bogus = CliRun.of("judge", "--in", in.toString(), "--out", dir.resolve("out.jsonl").toString(), "--endpoint",
                "http://127.0.0.1:9", "--conformance", "off", "--sampling", "top-k");

        assertThat(autoj.exitCode()).isNotZero();
        assertThat(autoj.err()).contains("--sampling prometheus-library is the prometheus-eval library's sampling",
                "GAIR/autoj-13b is judged as Auto-J");
        assertThat(bogus.exitCode()).isNotZero();
        assertThat(bogus.err()).contains("--sampling: \"top-k\" is not one of greedy, prometheus-library");
    }
}
