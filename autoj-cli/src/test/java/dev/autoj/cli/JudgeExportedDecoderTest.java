package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.onnx.ExportedFolders;
import dev.autoj.onnx.TinyLlama;
import dev.autoj.onnx.internal.graph.ExportedGraphWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code judge --backend onnx --model} pointed at an Optimum-style export of a tiny random LLaMA
 * (LLaMA-2's vocabulary and tokenizer) judges exactly as when pointed at the checkpoint itself.
 */
class JudgeExportedDecoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;


    private CliRun judge(Path in, Path out, Path model) {
        return CliRun.of("judge", "--in", in.toString(), "--out", out.toString(), "--backend", "onnx", "--conformance", "off", "--model",
                model.toString(), "--model-name", "tiny-random-llama", "--cache-dir", dir.resolve("cache").toString(),
                "--max-new-tokens", "12");
    }

    @Test
    void anOptimumExportJudgesAsTheCheckpointItCameFrom() throws IOException {
        TinyLlama model = TinyLlama.withLlama2Tokenizer(dir.resolve("tiny-autoj"));
        Path exported = ExportedFolders.optimum(model, dir.resolve("tiny-autoj-onnx"), "model.onnx",
                ExportedGraphWriter.Naming.optimum(true, false));
        Path in = Files.writeString(dir.resolve("requests.jsonl"),
                "{\"protocol\":\"single\",\"query\":\"What is 2 + 2?\",\"response\":\"It is 4.\",\"scenario\":\"math_reasoning\"}\n",
                StandardCharsets.UTF_8);

        CliRun fromCheckpoint = judge(in, dir.resolve("checkpoint.jsonl"), model.dir);
        CliRun fromExport = judge(in, dir.resolve("export.jsonl"), exported);

        assertThat(fromCheckpoint.exitCode()).as(fromCheckpoint.err()).isZero();
        assertThat(fromExport.exitCode()).as(fromExport.err()).isZero();
        JsonNode expected = JSON.readTree(Files.readString(dir.resolve("checkpoint.jsonl")));
        JsonNode actual = JSON.readTree(Files.readString(dir.resolve("export.jsonl")));
        assertThat(actual.path("raw").asText()).isNotEmpty();
        for (String field : new String[] {"rating", "no_verdict", "critique", "raw", "prompt_sha256", "model", "source"}) {
            assertThat(actual.path(field)).as(field).isEqualTo(expected.path(field));
        }
    }

    @Test
    void anExportWithUnknownNamesIsBadInputListingTheNames() throws IOException {
        TinyLlama model = TinyLlama.withLlama2Tokenizer(dir.resolve("tiny-autoj"));
        Path exported = ExportedFolders.optimum(model, dir.resolve("odd-onnx"), "model.onnx",
                new ExportedGraphWriter.Naming("cache_k.%d", "cache_v.%d", "new_k.%d", "new_v.%d", true, false, false));
        Path in = Files.writeString(dir.resolve("requests.jsonl"),
                "{\"protocol\":\"single\",\"query\":\"q\",\"response\":\"a\"}\n", StandardCharsets.UTF_8);

        CliRun run = judge(in, dir.resolve("out.jsonl"), exported);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).startsWith("autoj judge: " + exported + ": is not a usable model folder: ")
                .contains("Missing: input past_key_values.0.key").contains("cache_k.0");
    }
}
