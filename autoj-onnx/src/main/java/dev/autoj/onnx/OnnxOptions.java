package dev.autoj.onnx;

import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.onnx.internal.checkpoint.GptqCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * How the embedded engine loads and runs a model, validated once here.
 *
 * <pre>{@code
 * OnnxOptions options = OnnxOptions.of(Path.of("models/autoj-13b"))
 *         .withDtype(Dtype.FP16)
 *         .withCacheDir(Path.of("target/autoj-onnx-cache"));
 * }</pre>
 *
 * @param modelDir a Hugging Face model folder: {@code config.json}, {@code tokenizer.json} and
 *     {@code model.safetensors} or sharded safetensors with {@code model.safetensors.index.json}
 * @param dtype the element type weights are held in by the session
 * @param device where the model runs: {@code AUTO} (CUDA if usable, else CPU), {@code CUDA} or {@code CPU}
 * @param maxNewTokens the most tokens any request may generate (a request asking for more is
 *     capped here); 1024 by default, Auto-J's budget
 * @param truncation what to do when prompt plus budget exceed the context window
 * @param cacheDir where built ONNX graphs are kept between runs
 * @param maxBatchSize the most sequences decoded together; requests beyond it wait for the next batch
 * @param route how a batch is decoded: one run per token ({@code STEP}), one run per batch
 *     ({@code LOOP}), or chosen by device ({@code AUTO}, the default)
 */
public record OnnxOptions(Path modelDir, Dtype dtype, Device device, int maxNewTokens, Truncation truncation, Path cacheDir,
        int maxBatchSize, Route route) {

    /**
     * How a batch is decoded. Both give the same tokens; they differ in speed and in what the
     * session can do besides generating.
     *
     * <pre>{@code
     * OnnxOptions options = OnnxOptions.of(Path.of("models/autoj-13b")).withRoute(OnnxOptions.Route.LOOP);
     * }</pre>
     */
    public enum Route {
        /** One {@code session.run} per token; the key/value cache returns to the host after each (Java has no IO binding). */
        STEP,
        /** The generation graph: prefill and every decoding step of a batch in one run, the cache never leaving the run. */
        LOOP,
        /**
         * {@code LOOP} on CUDA (where the step loop's cache copies over PCIe dominate); on the CPU the
         * route measured faster there (see docs/onnx-backend.md, "Routes").
         */
        AUTO
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
        Objects.requireNonNull(dtype, "dtype: FP32, FP16 or INT4");
        Objects.requireNonNull(device, "device: AUTO, CUDA or CPU");
        Objects.requireNonNull(truncation, "truncation: REJECT, SHORTEN_BUDGET or DROP_PROMPT_START");
        Objects.requireNonNull(cacheDir, "cacheDir: a writable folder for built models");
        Objects.requireNonNull(route, "route: STEP, LOOP or AUTO");
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("modelDir " + modelDir + " is not a folder; pass the Hugging Face model "
                    + "folder holding config.json and the safetensors weights");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + maxBatchSize);
        }
    }

    /** Default batch size: enough to keep a GPU busy, small enough for a 13B KV cache at 4096 tokens. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 8;

    /**
     * fp32 (int4 for a GPTQ folder, whose weights are already 4-bit) on the CPU, Auto-J's budget
     * of 1024, reject over-long prompts, batches of up to 8, cache under the user's cache folder.
     */
    public static OnnxOptions of(Path modelDir) {
        Dtype dtype = modelDir != null && GptqCheckpoint.isGptq(modelDir) ? Dtype.INT4 : Dtype.FP32;
        return new OnnxOptions(modelDir, dtype, Device.CPU, GenerationRequest.AUTOJ_MAX_NEW_TOKENS,
                Truncation.REJECT, defaultCacheDir(), DEFAULT_MAX_BATCH_SIZE, Route.AUTO);
    }

    public OnnxOptions withDevice(Device value) {
        return new OnnxOptions(modelDir, dtype, value, maxNewTokens, truncation, cacheDir, maxBatchSize, route);
    }

    public OnnxOptions withMaxBatchSize(int value) {
        return new OnnxOptions(modelDir, dtype, device, maxNewTokens, truncation, cacheDir, value, route);
    }

    public OnnxOptions withDtype(Dtype value) {
        return new OnnxOptions(modelDir, value, device, maxNewTokens, truncation, cacheDir, maxBatchSize, route);
    }

    public OnnxOptions withMaxNewTokens(int value) {
        return new OnnxOptions(modelDir, dtype, device, value, truncation, cacheDir, maxBatchSize, route);
    }

    public OnnxOptions withTruncation(Truncation value) {
        return new OnnxOptions(modelDir, dtype, device, maxNewTokens, value, cacheDir, maxBatchSize, route);
    }

    public OnnxOptions withCacheDir(Path value) {
        return new OnnxOptions(modelDir, dtype, device, maxNewTokens, truncation, value, maxBatchSize, route);
    }

    public OnnxOptions withRoute(Route value) {
        return new OnnxOptions(modelDir, dtype, device, maxNewTokens, truncation, cacheDir, maxBatchSize, value);
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
                + device.name().toLowerCase(Locale.ROOT) + ", maxNewTokens=" + maxNewTokens + ", " + truncation + ", maxBatchSize="
                + maxBatchSize + ", route=" + route + "]";
    }
}
