package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.family.prometheus.PrometheusReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code autoj prompt} and {@code autoj parse} with {@code --model-name} of Prometheus 2, against the library's own outputs. */
class PrometheusPromptAndParseCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMETHEUS_7B = "prometheus-eval/prometheus-7b-v2.0";

    @TempDir
    Path dir;

    @Test
    void promptRebuildsEveryReferencePromptByteAndTokenExact() throws IOException {
        List<PrometheusReference.Prompt> references = PrometheusReference.prompts();
        Path in = Files.write(dir.resolve("requests.jsonl"), requestLines(references), StandardCharsets.UTF_8);
        Path out = dir.resolve("prompts.jsonl");

        CliRun run = CliRun.of("prompt", "--model-name", PROMETHEUS_7B, "--in", in.toString(), "--out", out.toString(),
                "--tokenizer", SharedFiles.tokenizer("mistral").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(41);
        int exact = 0;
        for (int i = 0; i < lines.size(); i++) {
            PrometheusReference.Prompt reference = references.get(i);
            JsonNode prompt = JSON.readTree(lines.get(i));
            assertThat(prompt.path("prompt").textValue()).as(reference.id()).isEqualTo(reference.text());
            JsonNode ids = prompt.path("token_ids");
            assertThat(ids).as(reference.id()).hasSize(reference.tokenCount());
            for (int t = 0; t < reference.tokenIds().length; t++) {
                assertThat(ids.get(t).intValue()).as(reference.id() + " token " + t).isEqualTo(reference.tokenIds()[t]);
            }
            assertThat(prompt.path("warnings")).isEmpty();
            exact++;
        }
        assertThat(exact).isEqualTo(41);
    }

    @Test
    void theEightTimesSevenBModelHasTheSamePromptsAndTheModelNameIgnoresCase() throws IOException {
        List<PrometheusReference.Prompt> references = PrometheusReference.prompts();
        Path in = Files.write(dir.resolve("requests.jsonl"), requestLines(references), StandardCharsets.UTF_8);

        CliRun big = CliRun.of("prompt", "--model-name", "prometheus-eval/prometheus-8x7b-v2.0", "--in", in.toString());
        CliRun small = CliRun.of("prompt", "--model-name", "Prometheus-Eval/Prometheus-7B-v2.0", "--in", in.toString());

        assertThat(big.exitCode()).as(big.err()).isZero();
        assertThat(big.out()).isEqualTo(small.out()).contains("###Feedback:  [/INST]");
    }

    @Test
    void parseReadsEveryParserCaseAsTheLibraryDoes() throws IOException {
        List<PrometheusReference.ParserCase> cases = PrometheusReference.parserCases();
        int same = 0;
        for (String protocol : List.of("absolute", "relative")) {
            List<PrometheusReference.ParserCase> mine = cases.stream().filter(c -> c.mode().equals(protocol)).toList();
            List<String> outputs = new ArrayList<>();
            for (PrometheusReference.ParserCase c : mine) {
                ObjectNode line = JSON.createObjectNode();
                line.put("output", c.output());
                outputs.add(JSON.writeValueAsString(line));
            }
            Path in = Files.write(dir.resolve(protocol + ".jsonl"), outputs, StandardCharsets.UTF_8);

            CliRun run = CliRun.of("parse", "--model-name", PROMETHEUS_7B, "--protocol", protocol, "--in", in.toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            String[] lines = run.out().split("\\R");
            assertThat(lines).hasSize(mine.size());
            for (int i = 0; i < lines.length; i++) {
                PrometheusReference.ParserCase c = mine.get(i);
                JsonNode result = JSON.readTree(lines[i]);
                assertThat(result.has("score") && result.has("verdict") && result.has("no_verdict")).isTrue();
                JsonNode expectedScore = protocol.equals("absolute") ? c.result() : JSON.nullNode();
                JsonNode expectedVerdict = protocol.equals("relative") ? c.result() : JSON.nullNode();
                assertThat(result.get("score")).as(c.id()).isEqualTo(expectedScore);
                assertThat(result.get("verdict")).as(c.id()).isEqualTo(expectedVerdict);
                assertThat(result.get("no_verdict").isNull()).as(c.id()).isEqualTo(c.parsed());
                same++;
            }
        }
        assertThat(same).isEqualTo(40);
    }

    @Test
    void anUnknownModelIsAUsageErrorNamingTheKnownModels() throws IOException {
        Path in = Files.writeString(dir.resolve("requests.jsonl"), "{\"protocol\":\"absolute\"}\n");

        CliRun run = CliRun.of("prompt", "--model-name", "prometheus-eval/prometheus-13b-v1.0", "--in", in.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLine()).isEqualTo("autoj prompt: Invalid value for option '--model-name': unknown judge model"
                + " \"prometheus-eval/prometheus-13b-v1.0\"; known: GAIR/autoj-13b, GAIR/autoj-bilingual-6b,"
                + " GAIR/autoj-13b-GPTQ-4bits (Auto-J), prometheus-eval/prometheus-7b-v2.0,"
                + " prometheus-eval/prometheus-8x7b-v2.0 (Prometheus 2) (see 'autoj prompt --help')");
    }

    @Test
    void anotherFamilysProtocolSaysWhichModelNameItNeeds() throws IOException {
        Path in = Files.writeString(dir.resolve("outputs.jsonl"), "{\"output\":\"[RESULT] 4\"}\n");

        CliRun autoj = CliRun.of("parse", "--protocol", "absolute", "--in", in.toString());
        CliRun prometheus = CliRun.of("parse", "--model-name", PROMETHEUS_7B, "--protocol", "single", "--in", in.toString());
        CliRun chinese = CliRun.of("parse", "--model-name", PROMETHEUS_7B, "--protocol", "absolute", "--language", "zh", "--in", in.toString());

        assertThat(autoj.exitCode()).isEqualTo(2);
        assertThat(autoj.errorLine()).contains("unknown protocol 'absolute'; use single or pairwise (absolute is Prometheus 2's:"
                + " add --model-name prometheus-eval/prometheus-7b-v2.0)");
        assertThat(prometheus.exitCode()).isEqualTo(2);
        assertThat(prometheus.errorLine()).contains("unknown protocol 'single'; use absolute or relative (single is Auto-J's:"
                + " add --model-name GAIR/autoj-13b)");
        assertThat(chinese.exitCode()).isEqualTo(2);
        assertThat(chinese.errorLine()).contains("Invalid value for option '--language': Prometheus 2's templates are English only");
    }

    @Test
    void aBadRequestLineNamesTheFieldAndTheLine() throws IOException {
        Path in = Files.writeString(dir.resolve("requests.jsonl"),
                "{\"protocol\":\"absolute\",\"instruction\":\"q\",\"response\":\"r\",\"rubric\":\"honesty\"}\n"
                        + "{\"protocol\":\"relative\",\"instruction\":\"q\",\"response_a\":\"a\",\"response_b\":7,\"rubric\":\"honesty\"}\n");

        CliRun run = CliRun.of("prompt", "--model-name", PROMETHEUS_7B, "--in", in.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).isEqualTo("autoj prompt: " + in + " line 2: field \"response_b\" is number 7, not a string;"
                + " write it as a JSON string");
    }

    @Test
    void aNullOutputIsAJudgeThatSaidNothing() throws IOException {
        Path in = Files.writeString(dir.resolve("outputs.jsonl"), "{\"output\":null}\n{\"output\":\"Fine.\\n[RESULT] 3\"}\n");

        CliRun run = CliRun.of("parse", "--model-name", PROMETHEUS_7B, "--protocol", "absolute", "--in", in.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().split("\\R")).containsExactly(
                "{\"score\":null,\"verdict\":null,\"no_verdict\":\"the judge returned no output\"}",
                "{\"score\":3,\"verdict\":null,\"no_verdict\":null}");
    }

    /** The reference requests as request lines: a predefined rubric by its name, any other rubric as its text. */
    private static List<String> requestLines(List<PrometheusReference.Prompt> references) throws IOException {
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (PrometheusReference.Prompt r : references) {
            ObjectNode line = JSON.createObjectNode();
            line.put("protocol", r.mode());
            line.put("instruction", r.instruction());
            if (r.absolute()) {
                line.put("response", r.response());
            } else {
                line.put("response_a", r.responseA());
                line.put("response_b", r.responseB());
            }
            line.put("rubric", r.predefinedRubric() != null ? r.predefinedRubric() : r.rubric());
            if (r.referenceAnswer() != null) {
                line.put("reference_answer", r.referenceAnswer());
            } else if (i++ % 2 == 0) {
                line.putNull("reference_answer");   // null and absent both mean "no reference answer"
            }
            line.put("id", r.id());
            lines.add(JSON.writeValueAsString(line));
        }
        return lines;
    }
}
