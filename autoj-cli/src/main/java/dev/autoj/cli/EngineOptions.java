package dev.autoj.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The embedded engine's model options, declared once for the commands that run it directly:
 * {@code generate} and {@code serve} ({@code --device} stays theirs: their defaults differ).
 */
final class EngineOptions {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "the model folder: a Hugging Face checkpoint (config.json, tokenizer.json, *.safetensors);"
                    + " serve also runs an Optimum / onnxruntime-genai ONNX export")
    Path model;

    @Option(names = "--dtype", paramLabel = "fp32|fp16|int4",
            description = "weight type in the session; int4 quantizes the linear layers to 4 bits when loading"
                    + " (default: fp32; int4 for a GPTQ folder, which runs only as int4)")
    String dtype;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "where built ONNX graphs and 4-bit weights are kept (default: ~/.cache/autoj/onnx)")
    Path cacheDir;

    /** A usage error naming {@code --model} when it is not a folder. */
    void requireFolder(CommandSpec spec) {
        if (!Files.isDirectory(model)) {
            throw new ParameterException(spec.commandLine(), "--model " + model + " is not a folder; pass a Hugging Face "
                    + "model folder holding config.json, tokenizer.json and the safetensors weights");
        }
    }
}
