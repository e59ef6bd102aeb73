package dev.autoj.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.onnx.OnnxBackend;
import dev.autoj.onnx.OnnxOptions;
import dev.autoj.onnx.TokenGeneration;
import dev.autoj.onnx.tokenizer.TokenizerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code autoj generate}: greedy generation with the embedded ONNX engine from a Hugging Face
 * model folder, e.g. {@code generate --model models/autoj-13b --prompt "[INST] Hi [/INST]" --json}.
 */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Greedy generation with the embedded ONNX Runtime engine from a Hugging Face model folder",
            "(config.json, tokenizer.json, *.safetensors). With --json prints one line:",
            "{\"ids\":[generated ids],\"text\":...,\"prompt_tokens\":n,\"prefill_ms\":...,"
                    + "\"decode_tokens_per_s\":...,\"stop_reason\":\"eos\"|\"length\"|\"repetition\"}"})
final class GenerateCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int BAD_INPUT = 1;
    static final int FAILURE = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    EngineOptions engine;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptSource prompt;

    static final class PromptSource {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "prompt text, tokenized with the folder's tokenizer.json (BOS added)")
        String text;

        @Option(names = "--prompt-ids", paramLabel = "1,2,3", split = ",", description = "prompt token ids, BOS included")
        int[] ids;
    }

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "" + GenerationRequest.AUTOJ_MAX_NEW_TOKENS,
            description = "token budget (default: ${DEFAULT-VALUE}, Auto-J's)")
    int maxNewTokens;

    @Option(names = "--device", paramLabel = "auto|cuda|cpu", defaultValue = "cpu",
            description = "execution device; auto uses CUDA when it can and falls back to the CPU (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--json", description = "print one JSON line instead of the text and a summary")
    boolean json;

    @Override
    public Integer call() {
        OnnxOptions options = options();
        try (OnnxBackend backend = OnnxBackend.open(options)) {
            int[] promptIds = prompt.ids != null ? prompt.ids : backend.encode(prompt.text);
            TokenGeneration result = backend.generateIds(promptIds, maxNewTokens);
            String text = prompt.ids != null && !Files.isRegularFile(engine.model.resolve("tokenizer.json"))
                    ? null : backend.decode(result.ids());
            print(result, text);
            return OK;
        } catch (BackendException | TokenizerException e) {
            return fail(e.getMessage(), BAD_INPUT);
        } catch (RuntimeException e) {
            return fail("unexpected failure: " + e + " (please report it with the command line)", FAILURE);
        }
    }

    private OnnxOptions options() {
        if (maxNewTokens < 1) {
            throw new ParameterException(spec.commandLine(), "--max-new-tokens must be at least 1, got " + maxNewTokens);
        }
        engine.requireFolder(spec);
        try {
            OnnxOptions options = OnnxOptions.of(engine.model).withDevice(Device.parse(device))
                    .withMaxNewTokens(maxNewTokens);
            if (engine.dtype != null) {
                options = options.withDtype(Dtype.parse(engine.dtype));
            }
            return engine.cacheDir == null ? options : options.withCacheDir(engine.cacheDir);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void print(TokenGeneration result, String text) {
        double prefillMs = result.prefillNanos() / 1e6;
        String stop = result.stopReason().name().toLowerCase(Locale.ROOT);
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode line = mapper.createObjectNode();
            ArrayNode ids = line.putArray("ids");
            for (int id : result.ids()) {
                ids.add(id);
            }
            line.put("text", text);
            line.put("prompt_tokens", result.promptTokens());
            line.put("prefill_ms", Math.round(prefillMs * 1000) / 1000.0);
            line.put("decode_tokens_per_s", Math.round(result.decodeTokensPerSecond() * 1000) / 1000.0);
            line.put("stop_reason", stop);
            try {
                spec.commandLine().getOut().println(mapper.writeValueAsString(line));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a tree of plain values always serialises", e);
            }
        } else {
            spec.commandLine().getOut().println(text != null ? text : Arrays.toString(result.ids()));
            spec.commandLine().getErr().printf(Locale.ROOT, "%d prompt tokens, %d generated, prefill %.1f ms, decode %.1f tokens/s, stop: %s%n",
                    result.promptTokens(), result.ids().length, prefillMs, result.decodeTokensPerSecond(), stop);
        }
        spec.commandLine().getOut().flush();
    }

    private int fail(String message, int code) {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + message.replace("\n", " "));
        spec.commandLine().getErr().flush();
        return code;
    }
}
