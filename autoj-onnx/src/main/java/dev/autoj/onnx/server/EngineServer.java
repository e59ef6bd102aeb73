package dev.autoj.onnx.server;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.OnnxBackend;
import dev.autoj.onnx.OnnxOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * The embedded engine as an OpenAI-compatible completions server ({@code POST /v1/completions},
 * {@code GET /v1/models}, {@code GET /health}): what {@code autoj serve} runs, and what a test run
 * starts once for all its forked JVMs when it judges with the embedded engine. It lives beside the
 * engine so that it runs from the test class path alone, without the CLI:
 *
 * <pre>{@code
 * java -cp <autoj-onnx and its dependencies> dev.autoj.onnx.server.EngineServer --model models/autoj-13b --port 0
 * }</pre>
 *
 * or from Java:
 *
 * <pre>{@code
 * try (EngineServer server = EngineServer.start(EngineServer.Options.of(Path.of("models/autoj-13b")).withPort(0), log)) {
 *     URI url = server.url();   // http://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * Concurrent requests are decoded together; what the engine cannot honour is refused with HTTP 400
 * naming the field (see docs/remote-backend.md).
 */
public final class EngineServer implements AutoCloseable {

    /**
     * How to serve.
     *
     * @param model the Hugging Face model folder, or an exported ONNX decoder
     * @param modelName the id clients send and {@code /v1/models} lists; null for the folder's name
     * @param dtype the weight type; null lets the checkpoint decide
     * @param device where the model runs
     * @param cacheDir where built graphs are kept; null for the engine's default
     * @param host the address to listen on
     * @param port the port, 0 for any free one
     * @param maxBatch the most requests decoded together
     * @param bearerToken the token every request but {@code /health} must carry, or null for none
     */
    public record Options(Path model, String modelName, Dtype dtype, Device device, Path cacheDir, String host, int port,
                          int maxBatch, String bearerToken) {

        public Options {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("the port must be 0..65535, got " + port);
            }
            if (maxBatch < 1) {
                throw new IllegalArgumentException("the batch size must be at least 1, got " + maxBatch);
            }
        }

        /** Loopback, port 8000, device auto, the engine's default batch size, no token. */
        public static Options of(Path model) {
            return new Options(model, null, null, Device.AUTO, null, "127.0.0.1", 8000, OnnxOptions.DEFAULT_MAX_BATCH_SIZE, null);
        }

        public Options withPort(int value) {
            return new Options(model, modelName, dtype, device, cacheDir, host, value, maxBatch, bearerToken);
        }
    }

    /** A server that could not start: {@link #modelFault()} when the model folder is at fault, else the address. */
    public static final class StartException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean modelFault;

        StartException(String message, boolean modelFault, Throwable cause) {
            super(message, cause);
            this.modelFault = modelFault;
        }

        /** True when the model folder could not be loaded; false when the address could not be listened on. */
        public boolean modelFault() {
            return modelFault;
        }
    }

    private final CompletionsServer server;
    private final String readyLine;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private EngineServer(CompletionsServer server, String readyLine) {
        this.server = server;
        this.readyLine = readyLine;
    }

    /**
     * Loads the model and listens. {@code log} gets one line per engine failure.
     *
     * @throws StartException when the model cannot be loaded or the address cannot be listened on
     */
    public static EngineServer start(Options options, PrintWriter log) {
        if (!Files.isDirectory(options.model())) {
            throw new StartException(options.model() + " is not a folder; pass a Hugging Face model folder holding config.json,"
                    + " tokenizer.json and the safetensors weights", true, null);
        }
        OnnxOptions engine = OnnxOptions.of(options.model()).withDevice(options.device()).withMaxBatchSize(options.maxBatch())
                // No cap of the server's own: a request's max_tokens is bounded by the context window alone.
                .withMaxNewTokens(Integer.MAX_VALUE);
        if (options.dtype() != null) {
            engine = engine.withDtype(options.dtype());
        }
        if (options.cacheDir() != null) {
            engine = engine.withCacheDir(options.cacheDir());
        }
        Backend backend;
        try {
            backend = OnnxBackend.openAny(engine);
        } catch (BackendException e) {
            throw new StartException("is not a usable model folder: " + e.getMessage(), true, e);
        } catch (UncheckedIOException e) {
            throw new StartException("cannot be read: " + e.getMessage(), true, e);
        }
        try {
            String id = options.modelName() != null ? options.modelName() : backend.modelId();
            int window;
            ToIntFunction<String> counter = null;
            String where;
            if (backend instanceof OnnxBackend onnx) {
                window = onnx.config().contextWindow();
                counter = prompt -> onnx.encode(prompt).length;
                where = "onnx on " + onnx.device().name().toLowerCase(Locale.ROOT) + ", " + engine.dtype().name().toLowerCase(Locale.ROOT)
                        + ", context window " + window + " tokens";
            } else {
                // An exported decoder checks the length itself; its window is not known here.
                window = 0;
                where = "exported ONNX decoder";
            }
            CompletionsServer http;
            try {
                http = CompletionsServer.start(new CompletionsServer.Settings(options.host(), options.port(), id, window, counter,
                        options.maxBatch(), options.bearerToken()), backend, log);
            } catch (IOException e) {
                throw new StartException("was loaded, but " + options.host() + ":" + options.port() + " cannot be listened on: "
                        + e.getMessage(), false, e);
            }
            backend = null;
            return new EngineServer(http, "autoj serve: " + http.url() + " serves \"" + id + "\" (" + where + ", batches of up to "
                    + options.maxBatch() + "); POST /v1/completions, GET /v1/models, GET /health; Ctrl-C stops it");
        } finally {
            if (backend != null) {
                backend.close();
            }
        }
    }

    /**
     * Serves until the process is stopped (Ctrl-C, SIGTERM) or {@link #close()}: prints the loading
     * line on {@code err}, the ready line on {@code out} (its only line), and the stop line on {@code err}.
     *
     * @throws StartException when it cannot start
     */
    public static void serve(Options options, PrintWriter out, PrintWriter err, java.util.function.Consumer<EngineServer> started) {
        err.println("autoj serve: loading " + options.model() + " (a 13B model takes minutes) ...");
        err.flush();
        EngineServer server = start(options, err);
        Thread hook = new Thread(() -> server.stop(err), "autoj-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        started.accept(server);
        out.println(server.readyLine);
        out.flush();
        try {
            server.stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop(err);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is what stopped it.
        }
    }

    /**
     * {@code java -cp … dev.autoj.onnx.server.EngineServer --model DIR [--model-name NAME] [--dtype fp32|fp16|int4]
     * [--device auto|cpu|cuda] [--cache-dir DIR] [--host ADDRESS] [--port N] [--max-batch N] [--token-env VAR]}:
     * the options of {@code autoj serve}. Exit code 1 when it cannot start, 2 for a bad option.
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("autoj serve: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            serve(options, out, err, server -> { });
        } catch (StartException e) {
            err.println("autoj serve: " + (e.modelFault() ? "--model " + options.model() + " " : "") + e.getMessage());
            err.flush();
            System.exit(1);
        }
    }

    static Options parse(String[] args) {
        Path model = null;
        String name = null;
        Dtype dtype = null;
        Device device = Device.AUTO;
        Path cache = null;
        String host = "127.0.0.1";
        int port = 8000;
        int batch = OnnxOptions.DEFAULT_MAX_BATCH_SIZE;
        String token = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--model" -> model = Path.of(value);
                case "--model-name" -> name = value;
                case "--dtype" -> dtype = Dtype.parse(value);
                case "--device" -> device = Device.parse(value);
                case "--cache-dir" -> cache = Path.of(value);
                case "--host" -> host = value;
                case "--port" -> port = whole(option, value);
                case "--max-batch" -> batch = whole(option, value);
                case "--token-env" -> token = token(value);
                default -> throw new IllegalArgumentException("unknown option " + option + "; the options are --model, --model-name,"
                        + " --dtype, --device, --cache-dir, --host, --port, --max-batch and --token-env");
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("--model DIR is required: the Hugging Face model folder to serve");
        }
        return new Options(model, name, dtype, device, cache, checkedHost(host), port, batch, token);
    }

    /** The host if it is an address or a known name. */
    public static String checkedHost(String host) {
        try {
            InetAddress.getByName(host);
            return host;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--host " + host + " is not an address or a known host name; use 127.0.0.1"
                    + " (this machine only) or 0.0.0.0 (every interface)");
        }
    }

    /** The bearer token held by the environment variable {@code variable}, stripped. */
    public static String token(String variable) {
        String token = System.getenv(variable);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("--token-env names " + variable + ", which is unset or blank; export it with the"
                    + " token clients must send, or drop --token-env");
        }
        return token.strip();
    }

    private static int whole(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, got " + value);
        }
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8000}. */
    public URI url() {
        return server.url();
    }

    /** The line printed when ready: the URL, the model id, the device, dtype, window and batch size. */
    public String readyLine() {
        return readyLine;
    }

    /** The batches run so far. */
    public int batches() {
        return server.batcher().batches();
    }

    /** The completions answered or failed by the engine so far (refused requests never reach it). */
    public int completions() {
        return server.batcher().generations();
    }

    /** Waits up to {@code timeout} for the server to be stopped; true when it was. */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void stop(PrintWriter err) {
        if (stopped.getCount() == 0) {
            return;
        }
        server.close();
        err.println("autoj serve: stopped after " + batches() + " batch" + (batches() == 1 ? "" : "es") + " ("
                + completions() + " completion" + (completions() == 1 ? "" : "s") + ")");
        err.flush();
        stopped.countDown();
    }

    /**
     * Stops listening, fails requests still waiting with 503, lets the running batch finish (up to
     * 15 s) and closes the engine; {@link #serve} then returns. Idempotent.
     */
    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        server.close();
        stopped.countDown();
    }
}
