package dev.autoj.cli;

import dev.autoj.cli.eval.InputException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.onnx.OnnxOptions;
import dev.autoj.onnx.server.EngineServer;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code autoj serve}: the embedded ONNX engine as an OpenAI-compatible completions server, e.g.
 * {@code serve --model models/autoj-13b --model-name GAIR/autoj-13b --device cuda --host 0.0.0.0 --port 8000}.
 *
 * <p>It answers {@code POST /v1/completions}, {@code GET /v1/models} and {@code GET /health} as
 * autoj's remote back end (and {@code autoj.endpoints}, {@code --endpoint}, the managed server)
 * expects, decoding concurrent requests together on the device. The server itself is autoj-onnx's
 * {@link EngineServer} (which a test run also starts for its forks); this command reads its options. The text of a completion is exactly what the embedded back end
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

    @Mixin
    EngineOptions engine;

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "the model id clients send and /v1/models lists, e.g. GAIR/autoj-13b (default: the folder's name);"
                    + " it is what clients' --model-name / autoj.modelName must say")
    String modelName;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", defaultValue = "auto",
            description = "execution device; auto tries CUDA and falls back to the CPU (default: ${DEFAULT-VALUE})")
    String device;

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

    private volatile EngineServer server;

    @Override
    void execute() {
        EngineServer.Options options;
        try {
            String token = tokenEnv == null ? null : EngineServer.token(tokenEnv);
            options = new EngineServer.Options(engine.model, modelName, engine.dtype == null ? null : Dtype.parse(engine.dtype), Device.parse(device),
                    engine.cacheDir, EngineServer.checkedHost(host), port, maxBatch, token);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), optionNamed(e.getMessage()));
        }
        engine.requireFolder(spec);
        try {
            EngineServer.serve(options, out(), spec.commandLine().getErr(), started -> server = started);
        } catch (EngineServer.StartException e) {
            throw new InputException(engine.model, 0, e.getMessage(), e.modelFault()
                    ? "point --model at a LLaMA-family Hugging Face checkpoint or an Optimum / onnxruntime-genai ONNX export"
                    : "choose another --port (0 for any free one) or --host", e);
        }
    }

    /** The engine's option messages name the port and batch size plainly; the command's name its options. */
    private static String optionNamed(String message) {
        return message.replace("the port must be", "--port must be").replace("the batch size must be", "--max-batch must be");
    }

    /** Stops the server (a test); {@link #execute()} then returns. */
    void stop() {
        EngineServer running = server;
        if (running != null) {
            running.close();
        }
    }
}
