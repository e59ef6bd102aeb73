package dev.autoj.engine.backend;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Service interface of an embedded runtime: something that opens a model folder on this machine as a
 * {@link Backend}. The engine core ships none; {@code dev.autoj:autoj-onnx} registers one through
 * {@code META-INF/services}, so a project that replays a store or judges through a server pulls no
 * native runtime.
 *
 * <pre>{@code
 * Backend backend = EmbeddedRuntime.require().open(
 *         new EmbeddedRuntime.Model(Path.of("models/autoj-13b"), null, Device.AUTO, 1024, null));
 * }</pre>
 */
public interface EmbeddedRuntime {

    /** Maven coordinates to add when no runtime is on the class path. */
    String ARTIFACT = "dev.autoj:autoj-onnx";

    /**
     * Opens the model folder.
     *
     * @throws BackendException when the folder cannot be loaded, saying why
     */
    Backend open(Model model);

    /**
     * A counter of prompt tokens with the tokenizer in {@code tokenizerJson} (a Hugging Face
     * {@code tokenizer.json}, or a folder holding one), e.g. to refuse prompts too long for a remote
     * judge's context window before sending them. The caller closes it.
     *
     * <pre>{@code
     * TokenCounter counter = EmbeddedRuntime.require().tokenCounter(Path.of("models/autoj-13b/tokenizer.json"));
     * }</pre>
     *
     * @throws BackendException when the file is missing or not a usable tokenizer, saying why
     */
    default TokenCounter tokenCounter(Path tokenizerJson) {
        throw new BackendException("The embedded runtime " + getClass().getName() + " cannot count tokens; use "
                + ARTIFACT + " of the same version as the engine.");
    }

    /**
     * How to serve {@code model} from a process of its own, over loopback HTTP with the OpenAI-compatible
     * completions API the remote back end speaks, under the id {@code modelName}: the command line (with
     * {@code {port}} where the port goes) and the variables to set for it. The JUnit extension starts it
     * once for all the forked test JVMs of a run; empty when this runtime cannot be served.
     *
     * <pre>{@code
     * EmbeddedRuntime.require().serverLaunch(model, "autoj-13b")
     *         .map(l -> ServerConfig.of(ServerConfig.commandLine(l.arguments()), "autoj-13b").withEnvironment(l.environment()));
     * }</pre>
     */
    default Optional<ServerLaunch> serverLaunch(Model model, String modelName) {
        return Optional.empty();
    }

    /**
     * A server process for the embedded engine.
     *
     * @param arguments the command line, with {@code {port}} where the port goes
     * @param environment variables to set for it (e.g. its class path)
     */
    record ServerLaunch(List<String> arguments, Map<String, String> environment) {
        public ServerLaunch {
            arguments = List.copyOf(arguments);
            environment = Map.copyOf(environment);
        }
    }

    /**
     * What to load and how.
     *
     * @param path a Hugging Face checkpoint folder or an exported ONNX decoder
     * @param dtype the weights' element type; null lets the checkpoint decide (int4 for a GPTQ folder, else fp32)
     * @param device where the model runs
     * @param maxNewTokens the most tokens one request may generate
     * @param cacheDir where built graphs and converted weights are kept; null for the runtime's default
     */
    record Model(Path path, Dtype dtype, Device device, int maxNewTokens, Path cacheDir) {
        public Model {
            Objects.requireNonNull(path, "path: the model folder");
            Objects.requireNonNull(device, "device: AUTO, CPU or CUDA");
            if (maxNewTokens < 1) {
                throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
            }
        }
    }

    /** The runtime on the class path, if any. */
    static Optional<EmbeddedRuntime> find() {
        return ServiceLoader.load(EmbeddedRuntime.class, EmbeddedRuntime.class.getClassLoader()).findFirst();
    }

    /**
     * The runtime on the class path.
     *
     * @throws IllegalStateException naming the dependency to add when there is none
     */
    static EmbeddedRuntime require() {
        return find().orElseThrow(() -> new IllegalStateException("The embedded engine is not on the class path: add the"
                + " dependency " + ARTIFACT + " (it brings ONNX Runtime for the CPU; for CUDA exclude"
                + " com.microsoft.onnxruntime:onnxruntime from it and add com.microsoft.onnxruntime:onnxruntime_gpu),"
                + " or judge through a server with the remote back end."));
    }
}
