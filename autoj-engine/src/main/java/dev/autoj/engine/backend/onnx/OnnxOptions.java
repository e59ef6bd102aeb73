package dev.autoj.engine.backend.onnx;

import dev.autoj.engine.backend.GenerationRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * How the embedded engine loads and runs a model, validated once here.
 *
 * <pre>{@code
 * OnnxOptions options = OnnxOptions.of(Path.of("models/autoj-13b"))
 *         .withDtype(OnnxOptions.Dtype.FP16)
 *         .withCacheDir(Path.of("target/autoj-onnx-cache"));
 * }</pre>
 *
 * @param modelDir a Hugging Face model folder: {@code config.json}, {@code tokenizer.json} and
 *     {@code model.safetensors} or sharded safetensors with {@code model.safetensors.index.json}
 * @param dtype the element type weights are held in by the session
 * @param device where the model runs; only the CPU in this version
 * @param maxNewTokens the most tokens any request may generate (a request asking for more is
 *     capped here); 1024 by default, Auto-J's budget
 * @param truncation what to do when prompt plus budget exceed the context window
 * @param cacheDir where built ONNX graphs are kept between runs
 */
public record OnnxOptions(Path modelDir, Dtype dtype, Device device, int maxNewTokens, Truncation truncation, Path cacheDir) {

    /** Element type of the weights inside the session. */
    public enum Dtype {
        FP32, FP16;

        /** Reads {@code fp32} or {@code fp16}, any case; the message lists the allowed values. */
        public static Dtype parse(String text) {
            for (Dtype d : values()) {
                if (d.name().equalsIgnoreCase(text)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("dtype \"" + text + "\" is not supported; use fp32 or fp16");
        }
    }

    /** Execution device. */
    public enum Device {
        CPU;

        public static Device parse(String text) {
            if ("cpu".equalsIgnoreCase(text)) {
                return CPU;
            }
            throw new IllegalArgumentException("device \"" + text + "\" is not supported yet; use cpu");
        }
    }

    /** Policy for a prompt whose length plus token budget exceeds the model's context window. */
    public enum Truncation {
        /** Fail with an error naming both lengths (the default: a judge must see the whole prompt). */
        REJECT,
        /** Generate fewer tokens, as many as still fit (a prompt that alone fills the window still fails). */
        SHORTEN_BUDGET,
        /** Keep BOS and drop the oldest prompt tokens after it until prompt plus budget fit. */
        DROP_PROMPT_START
    }

    public OnnxOptions {
        Objects.requireNonNull(modelDir, "modelDir: pass the Hugging Face model folder");
        Objects.requireNonNull(dtype, "dtype: FP32 or FP16");
        Objects.requireNonNull(device, "device: CPU");
        Objects.requireNonNull(truncation, "truncation: REJECT, SHORTEN_BUDGET or DROP_PROMPT_START");
        Objects.requireNonNull(cacheDir, "cacheDir: a writable folder for built models");
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("modelDir " + modelDir + " is not a folder; pass the Hugging Face model "
                    + "folder holding config.json and the safetensors weights");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
    }

    /** fp32 on the CPU, Auto-J's budget of 1024, reject over-long prompts, cache under the user's cache folder. */
    public static OnnxOptions of(Path modelDir) {
        return new OnnxOptions(modelDir, Dtype.FP32, Device.CPU, GenerationRequest.AUTOJ_MAX_NEW_TOKENS,
                Truncation.REJECT, defaultCacheDir());
    }

    public OnnxOptions withDtype(Dtype value) {
        return new OnnxOptions(modelDir, value, device, maxNewTokens, truncation, cacheDir);
    }

    public OnnxOptions withMaxNewTokens(int value) {
        return new OnnxOptions(modelDir, dtype, device, value, truncation, cacheDir);
    }

    public OnnxOptions withTruncation(Truncation value) {
        return new OnnxOptions(modelDir, dtype, device, maxNewTokens, value, cacheDir);
    }

    public OnnxOptions withCacheDir(Path value) {
        return new OnnxOptions(modelDir, dtype, device, maxNewTokens, truncation, value);
    }

    /** {@code $XDG_CACHE_HOME/autoj/onnx}, else {@code ~/.cache/autoj/onnx}. */
    static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("autoj").resolve("onnx");
    }

    @Override
    public String toString() {
        return "OnnxOptions[" + modelDir + ", " + dtype.name().toLowerCase(Locale.ROOT) + ", "
                + device.name().toLowerCase(Locale.ROOT) + ", maxNewTokens=" + maxNewTokens + ", " + truncation + "]";
    }
}
