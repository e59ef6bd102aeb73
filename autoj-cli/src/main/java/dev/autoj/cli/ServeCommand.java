package dev.autoj.cli;

import dev.autoj.cli.eval.InputException;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.OnnxBackend;
import dev.autoj.onnx.OnnxOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code autoj serve}: the embedded ONNX engine as an OpenAI-compatible completions server, e.g.
 * {@code serve --model models/autoj-13b --model-name GAIR/autoj-13b --device cuda --host 0.0.0.0 --port 8000}.
 *
 * <p>It answers {@code POST /v1/completions}, {@code GET /v1/models} and {@code GET /health} as
 * autoj's remote back end (and {@code autoj.endpoints}, {@code --endpoint}, the managed server)
 * expects, decoding concurrent requests together on the device ({@link CompletionsServer},
 * {@link GenerationBatcher}). The text of a completion is exactly what the embedded back end
 * generates for that prompt. It prints one line with the URL once the model is loaded and it
 * listens; Ctrl-C or SIGTERM stops it (waiting requests fail with 503, the running batch finishes).
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serves the embedded ONNX engine over HTTP, OpenAI-compatible: POST /v1/completions (greedy, one prompt, no",
            "streaming), GET /v1/models and GET /health, for autoj's remote back end (--endpoint, autoj.endpoints,",
            "--server-command). Concurrent requests are decoded together. Prints one line with the URL when ready;",
            "Ctrl-C stops it. No authentication unless --token-env: keep it on loopback or a trusted network."})
final class ServeCommand extends AutojCommand {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "the Hugging Face model folder (config.json, tokenizer.json, *.safetensors), or an Optimum /"
                    + " onnxruntime-genai ONNX export")
    Path model;

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "the model id clients send and /v1/models lists, e.g. GAIR/autoj-13b (default: the folder's name);"
                    + " it is what clients' --model-name / autoj.modelName must say")
    String modelName;

    @Option(names = "--dtype", paramLabel = "fp32|fp16|int4",
            description = "weight type in the session (default: fp32; int4 for a GPTQ folder, which runs only as int4)")
    String dtype;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", defaultValue = "auto",
            description = "execution device; auto tries CUDA and falls back to the CPU (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "where built ONNX graphs are kept (default: ~/.cache/autoj/onnx)")
    Path cacheDir;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "the address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}, this machine only)")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8000",
            description = "the port; 0 for any free one, said in the ready line (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "" + OnnxOptions.DEFAULT_MAX_BATCH_SIZE,
            description = "the most requests decoded together; more wait for the next batch (default: ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--token-env", paramLabel = "VAR",
            description = "require \"Authorization: Bearer <token>\" on every request but /health, the token read from this"
                    + " environment variable (clients: --token-env / autoj.token-env)")
    String tokenEnv;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile CompletionsServer server;

    @Override
    void execute() {
        if (port < 0 || port > 65535) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--port must be 0..65535, got " + port);
        }
        if (maxBatch < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--max-batch must be at least 1, got " + maxBatch);
        }
        try {
            java.net.InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--host " + host + " is not an address or a"
                    + " known host name; use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)");
        }
        if (!Files.isDirectory(model)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--model " + model + " is not a folder; pass a"
                    + " Hugging Face model folder holding config.json, tokenizer.json and the safetensors weights");
        }
        String token = null;
        if (tokenEnv != null) {
            token = System.getenv(tokenEnv);
            if (token == null || token.isBlank()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--token-env names " + tokenEnv
                        + ", which is unset or blank; export it with the token clients must send, or drop --token-env");
            }
            token = token.strip();
        }
        OnnxOptions options = options();
        PrintWriter err = spec.commandLine().getErr();
        err.println("autoj serve: loading " + model + " (a 13B model takes minutes) ...");
        err.flush();
        Backend backend = open(options);
        String id;
        String where;
        try {
            id = modelName != null ? modelName : backend.modelId();
            int window;
            ToIntFunction<String> counter = null;
            if (backend instanceof OnnxBackend onnx) {
                window = onnx.config().contextWindow();
                counter = prompt -> onnx.encode(prompt).length;
                where = "onnx on " + onnx.device().name().toLowerCase(Locale.ROOT) + ", " + options.dtype().name().toLowerCase(Locale.ROOT)
                        + ", context window " + window + " tokens";
            } else {
                // An exported decoder checks the length itself; its window is not known here.
                window = 0;
                where = "exported ONNX decoder";
            }
            CompletionsServer.Settings settings = new CompletionsServer.Settings(host, port, id, window, counter, maxBatch, token);
            try {
                server = CompletionsServer.start(settings, backend, err);
            } catch (IOException e) {
                throw new InputException(model, 0, "was loaded, but " + host + ":" + port + " cannot be listened on: " + e.getMessage(),
                        "choose another --port (0 for any free one) or --host");
            }
            backend = null;
        } finally {
            if (backend != null) {
                backend.close();
            }
        }
        Thread hook = new Thread(this::stop, "autoj-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out().println("autoj serve: " + server.url() + " serves \"" + id + "\" (" + where + ", batches of up to "
                + maxBatch + "); POST /v1/completions, GET /v1/models, GET /health; Ctrl-C stops it");
        out().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is what stopped it.
        }
    }

    /** Stops the server (Ctrl-C, SIGTERM, or a test); {@link #execute()} then returns. */
    void stop() {
        CompletionsServer running = server;
        if (running != null) {
            running.close();
            PrintWriter err = spec.commandLine().getErr();
            err.println("autoj serve: stopped after " + running.batches() + " batch" + (running.batches() == 1 ? "" : "es"));
            err.flush();
        }
        stopped.countDown();
    }

    private OnnxOptions options() {
        try {
            // No cap of the server's own: a request's max_tokens is bounded by the context window alone.
            OnnxOptions options = OnnxOptions.of(model).withDevice(Device.parse(device)).withMaxBatchSize(maxBatch)
                    .withMaxNewTokens(Integer.MAX_VALUE);
            if (dtype != null) {
                options = options.withDtype(Dtype.parse(dtype));
            }
            return cacheDir == null ? options : options.withCacheDir(cacheDir);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Backend open(OnnxOptions options) {
        try {
            return OnnxBackend.openAny(options);
        } catch (BackendException e) {
            throw new InputException(model, 0, "is not a usable model folder: " + e.getMessage(),
                    "point --model at a LLaMA-family Hugging Face checkpoint or an Optimum / onnxruntime-genai ONNX export", e);
        } catch (UncheckedIOException e) {
            throw new InputException(model, 0, "cannot be read: " + e.getMessage(), "check the folder and its permissions", e);
        }
    }
}
