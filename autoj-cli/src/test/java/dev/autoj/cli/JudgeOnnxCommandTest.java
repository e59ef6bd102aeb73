package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.onnx.TinyLlama;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code judge --backend onnx} on a tiny random LLaMA checkpoint with LLaMA-2's real vocabulary and
 * tokenizer: the whole embedded path runs (prompt, tokens, greedy generation, text, verdict parser).
 * A random model writes no rating, so the judgment is a no-verdict with its reason, recorded into a
 * store and then replayed without the model.
 */
class JudgeOnnxCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;


    @Test
    void aRandomModelGivesANoVerdictWithItsReasonThatReplaysIdentically() throws IOException {
        TinyLlama model = TinyLlama.withLlama2Tokenizer(dir.resolve("tiny-autoj"));
        Path in = Files.writeString(dir.resolve("requests.jsonl"),
                "{\"protocol\":\"single\",\"query\":\"What is 2 + 2?\",\"response\":\"It is 4.\",\"scenario\":\"math_reasoning\"}\n",
                StandardCharsets.UTF_8);
        Path store = dir.resolve("store");
        Path recorded = dir.resolve("recorded.jsonl");
        Path replayed = dir.resolve("replayed.jsonl");

        CliRun record = CliRun.of("judge", "--in", in.toString(), "--out", recorded.toString(), "--backend", "onnx", "--conformance", "off",
                "--model", model.dir.toString(), "--model-name", "tiny-random-llama", "--cache-dir", dir.resolve("cache").toString(),
                "--max-new-tokens", "12", "--store", store.toString());
        CliRun replay = CliRun.of("judge", "--in", in.toString(), "--out", replayed.toString(), "--mode", "replay",
                "--store", store.toString(), "--model-name", "tiny-random-llama", "--max-new-tokens", "12");

        assertThat(record.exitCode()).as(record.err()).isZero();
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        JsonNode live = JSON.readTree(Files.readString(recorded));
        JsonNode again = JSON.readTree(Files.readString(replayed));
        assertThat(live.path("rating").isNull()).isTrue();
        assertThat(live.path("no_verdict").asText()).containsAnyOf("Rating: [[", "judge output truncated", "repetition loop");
        assertThat(live.path("raw").asText()).isNotEmpty();
        assertThat(live.path("model").asText()).isEqualTo("tiny-random-llama");
        assertThat(live.path("source").asText()).isEqualTo("live:onnx");
        assertThat(again.path("source").asText()).isEqualTo("replay:live:onnx");
        for (String field : new String[] {"rating", "no_verdict", "critique", "raw", "prompt_sha256", "model", "request_sha256"}) {
            assertThat(again.path(field)).as(field).isEqualTo(live.path(field));
        }
        CliRun verify = CliRun.of("store", "verify", "--store", store.toString());
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    }

    @Test
    void aCheckpointThatCannotBeLoadedIsBadInputNamingTheFolder() throws IOException {
        TinyLlama model = TinyLlama.withLlama2Tokenizer(dir.resolve("tiny-autoj"));
        Files.writeString(model.dir.resolve("config.json"), "{\"architectures\":[\"BertModel\"]}");
        Path in = Files.writeString(dir.resolve("requests.jsonl"),
                "{\"protocol\":\"single\",\"query\":\"q\",\"response\":\"a\"}\n", StandardCharsets.UTF_8);

        CliRun run = CliRun.of("judge", "--in", in.toString(), "--out", dir.resolve("out.jsonl").toString(), "--backend", "onnx", "--conformance", "off",
                "--model", model.dir.toString(), "--cache-dir", dir.resolve("cache").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).startsWith("autoj judge: " + model.dir + ": is not a usable model folder: ");
    }

    @Test
    void theScenarioClassifierRunsOnTheEmbeddedEngineToo() throws IOException {
        TinyLlama model = TinyLlama.withLlama2Tokenizer(dir.resolve("tiny-autoj"));
        Path in = Files.writeString(dir.resolve("queries.jsonl"), "{\"query\":\"Write a haiku about rain\"}\n", StandardCharsets.UTF_8);

        CliRun run = CliRun.of("classify", "--in", in.toString(), "--backend", "onnx", "--model", model.dir.toString(),
                "--cache-dir", dir.resolve("cache").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode line = JSON.readTree(run.out());
        assertThat(line.path("raw").asText()).isNotEmpty();
        assertThat(line.path("scenario").asText()).as("a random model names no scenario").isEqualTo("default");
        assertThat(line.path("warnings").get(0).asText()).contains("that is not one of the 60 scenario names");
    }
}
