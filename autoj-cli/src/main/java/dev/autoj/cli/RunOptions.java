package dev.autoj.cli;

import dev.autoj.cli.eval.InputException;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.backend.remote.RemoteBackend;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.engine.server.ManagedServer;
import dev.autoj.engine.server.ServerConfig;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import dev.autoj.onnx.OnnxBackend;
import dev.autoj.onnx.OnnxOptions;
import dev.autoj.onnx.checkpoint.CheckpointException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options of every command that runs a model (the judge or the scenario classifier): which back end,
 * how to reach it, and how the judgment store is used. Commands mix in {@link JudgeOptions} or
 * {@link ClassifierOptions}, which add the model's own endpoint and name.
 *
 * <p>A new kind of back end is one {@link BackendKind} constant and one case in {@link #backend}.
 */
abstract class RunOptions {

    /** The back ends a model can run on. */
    enum BackendKind {
        /** An OpenAI-compatible completions server: vLLM, TGI, llama.cpp server, Ollama. */
        REMOTE,
        /** The embedded ONNX Runtime engine, running a Hugging Face checkpoint in this JVM. */
        ONNX
    }

    private static final List<String> NAMES = List.of("--backend", "--token-env", "--timeout", "--concurrency", "--mode", "--store",
            "--model", "--dtype", "--device", "--cache-dir", "--server-command", "--server-startup-timeout", "--server-log");

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--backend", paramLabel = "remote|onnx", defaultValue = "remote", converter = Converters.Backend.class,
            description = "where the model runs: a completions server, or the embedded ONNX engine (default: ${DEFAULT-VALUE})")
    BackendKind backendKind;

    @Option(names = "--model", paramLabel = "DIR",
            description = "--backend onnx: the Hugging Face model folder (config.json, tokenizer.json, *.safetensors)")
    Path model;

    @Option(names = "--dtype", paramLabel = "fp32|fp16|int4",
            description = "--backend onnx: weight type in the session (default: fp32; int4 for a GPTQ folder, which runs only as int4)")
    String dtype;

    @Option(names = "--device", paramLabel = "auto|cuda|cpu", defaultValue = "cpu",
            description = "--backend onnx: execution device; auto tries CUDA and falls back to the CPU (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "--backend onnx: where built ONNX graphs are kept (default: ~/.cache/autoj/onnx)")
    Path cacheDir;

    @Option(names = "--token-env", paramLabel = "VAR",
            description = "environment variable holding the servers' bearer token (the token itself is never an option)")
    String tokenEnv;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.PositiveDuration.class,
            description = "time allowed for one whole generation request, e.g. 90s or 5m (default: 5m)")
    Duration timeout;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
            description = "most requests in flight at once (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--mode", paramLabel = "live|record|replay", converter = Converters.Mode.class,
            description = "live: ask the model; record: answer from --store, ask the model and record what is missing;"
                    + " replay: answer only from --store, no back end needed (default: live without --store,"
                    + " record with --store and an endpoint (or --model with --backend onnx), replay with --store alone)")
    StoreMode mode;

    @Option(names = "--store", paramLabel = "DIR", description = "the judgment store folder (see docs/record-replay.md)")
    Path store;

    @Option(names = "--server-command", paramLabel = "COMMAND",
            description = "start this OpenAI-compatible server for the run and stop it at the end, e.g. \"vllm serve GAIR/autoj-13b"
                    + " --port {port}\" ({port}: a free loopback port); not started when an --endpoint already serves the model")
    String serverCommand;

    @Option(names = "--server-startup-timeout", paramLabel = "DURATION", converter = Converters.PositiveDuration.class,
            description = "how long --server-command may take to serve the model, e.g. 20m (default: 15m)")
    Duration serverStartupTimeout;

    @Option(names = "--server-log", paramLabel = "FILE", defaultValue = "autoj-judge-server.log",
            description = "where --server-command's output goes (default: ${DEFAULT-VALUE})")
    Path serverLog;

    /** The option names of the model's own endpoint, name and budget. */
    abstract List<String> modelOptionNames();

    /** True when the command line names any of these options, i.e. asks for a model run. */
    boolean anyGiven() {
        var parsed = mixee.commandLine().getParseResult();
        return Stream.concat(NAMES.stream(), modelOptionNames().stream()).anyMatch(parsed::hasMatchedOption);
    }

    /** The store mode: as given, or the builder's default from what is configured. */
    StoreMode effectiveMode(List<String> endpoints) {
        if (mode != null) {
            return mode;
        }
        boolean modelGiven = backendKind == BackendKind.ONNX ? model != null : !endpoints.isEmpty() || serverCommand != null;
        return store == null ? StoreMode.LIVE : modelGiven ? StoreMode.RECORD : StoreMode.REPLAY;
    }

    /** The store, or null in live mode (which never touches it). */
    JudgmentStore openStore(StoreMode effective) {
        if (effective == StoreMode.LIVE) {
            return null;
        }
        if (store == null) {
            throw usage("--mode " + name(effective) + " needs --store DIR, the judgment store folder");
        }
        if (effective == StoreMode.REPLAY && !Files.isDirectory(store)) {
            throw new InputException(store, 0, "is not a folder, so it holds no judgments to replay",
                    "import the published Auto-J outputs (autoj store import-testbed) or record judgments with --mode record first");
        }
        return JudgmentStore.open(store);
    }

    /**
     * The back end serving {@code modelName}.
     *
     * @param endpointOption the option naming the model's servers, for messages
     * @param nameOption the option naming the model, for messages
     */
    Backend backend(String endpointOption, List<String> endpoints, String nameOption, String modelName, StoreMode effective,
            int maxTokens) {
        if (serverCommand != null && backendKind != BackendKind.REMOTE) {
            throw usage("--server-command starts a completions server, which --backend " + backendKind.name().toLowerCase(Locale.ROOT) + " does not use;"
                    + " drop --server-command, or use --backend remote");
        }
        return switch (backendKind) {
            case REMOTE -> serverCommand != null ? managed(endpoints, modelName, maxTokens)
                    : remote(endpointOption, endpoints, modelName, maxTokens);
            case ONNX -> onnx(nameOption, modelName, effective, maxTokens);
        };
    }

    /**
     * The embedded engine. Its model id is {@code --model-name} when given, else the folder's name;
     * recording needs the name given, because store keys are shared and a folder name is local.
     */
    private Backend onnx(String nameOption, String modelName, StoreMode effective, int maxTokens) {
        if (model == null) {
            throw usage("--backend onnx runs the model in this JVM and needs its Hugging Face folder: --model DIR"
                    + " (config.json, tokenizer.json, *.safetensors), or replay recorded judgments with --mode replay --store DIR");
        }
        if (!Files.isDirectory(model)) {
            throw usage("--model " + model + " is not a folder; pass the Hugging Face model folder holding config.json,"
                    + " tokenizer.json and the safetensors weights");
        }
        boolean named = mixee.commandLine().getParseResult().hasMatchedOption(nameOption);
        if (effective == StoreMode.RECORD && !named) {
            throw usage("--backend onnx --mode record needs " + nameOption + " NAME: the model id that keys the recorded"
                    + " judgments (e.g. GAIR/autoj-13b for Auto-J-13B in fp32, or a name saying which weights and dtype);"
                    + " replay them later with the same " + nameOption);
        }
        OnnxOptions options;
        try {
            options = OnnxOptions.of(model).withMaxNewTokens(maxTokens).withDevice(Device.parse(device));
            if (dtype != null) {
                options = options.withDtype(Dtype.parse(dtype));
            }
            if (cacheDir != null) {
                options = options.withCacheDir(cacheDir);
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (!Files.isRegularFile(model.resolve("tokenizer.json"))) {
            throw new InputException(model, 0, "has no tokenizer.json, which the judge needs to turn prompts into tokens",
                    "copy the model's tokenizer.json into the folder (the LLaMA-2 tokenizer for Auto-J-13B)");
        }
        Backend backend;
        try {
            backend = OnnxBackend.openAny(options);
        } catch (CheckpointException e) {
            throw new InputException(model, 0, "is not a usable model folder: " + e.getMessage(),
                    "point --model at a LLaMA-family Hugging Face checkpoint or an Optimum / onnxruntime-genai ONNX export", e);
        }
        return named ? backend.withModelId(modelName) : backend;
    }

    /**
     * The server from --server-command, started when the first prompt needs it (a run answered from the store starts
     * nothing), unless one of the endpoints already serves the model; the judge's close stops it.
     */
    private Backend managed(List<String> endpoints, String modelName, int maxTokens) {
        ServerConfig config;
        List<URI> uris;
        try {
            config = ServerConfig.of(serverCommand, modelName).withLogFile(serverLog);
            if (serverStartupTimeout != null) {
                config = config.withStartupTimeout(serverStartupTimeout);
            }
            uris = endpoints.isEmpty() ? List.of() : remoteConfig(endpoints, modelName, maxTokens).endpoints();
        } catch (IllegalArgumentException e) {
            throw usage("--server-command \"" + serverCommand + "\": " + e.getMessage());
        }
        if (tokenEnv != null && (System.getenv(tokenEnv) == null || System.getenv(tokenEnv).isBlank())) {
            // Checked now: the client is only built when the server is up, minutes later.
            throw usage("--token-env names " + tokenEnv + ", which is unset or blank; export it with the server's API key"
                    + " (e.g. the --api-key given to vllm serve), or drop --token-env");
        }
        return ManagedServer.backend(config, uris, chosen -> new RemoteBackend(remoteConfig(chosen.stream().map(URI::toString).toList(),
                modelName, maxTokens)));
    }

    private Backend remote(String endpointOption, List<String> endpoints, String modelName, int maxTokens) {
        if (endpoints.isEmpty()) {
            throw usage("a live model run needs its server: " + endpointOption + " URL[,URL…] (e.g. http://judge-host:8000),"
                    + " or one started for the run: --server-command \"vllm serve GAIR/autoj-13b --port {port}\","
                    + " or replay recorded judgments with --mode replay --store DIR");
        }
        try {
            return new RemoteBackend(remoteConfig(endpoints, modelName, maxTokens));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private RemoteConfig remoteConfig(List<String> endpoints, String modelName, int maxTokens) {
        RemoteConfig.Builder config = RemoteConfig.builder()
                .endpoints(String.join(",", endpoints))
                .modelName(modelName)
                .concurrency(concurrency)
                .maxTokens(maxTokens)
                .bearerTokenEnv(tokenEnv);
        if (timeout != null) {
            config.requestTimeout(timeout);
        }
        return config.build();
    }

    /** Builds the judge; a setting the builder refuses is a usage error, and the back end is closed then. */
    Judge build(Judges.Builder builder, Backend backend) {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            if (backend != null) {
                backend.close();
            }
            throw usage(e.getMessage());
        }
    }

    /** One line saying which model runs how, for report headers. */
    String describe(StoreMode effective, List<String> endpoints, String modelName) {
        String where = backendKind == BackendKind.ONNX ? "the embedded engine (" + model + ")"
                : serverCommand == null ? String.join(", ", endpoints)
                : "a server started with " + serverCommand + (endpoints.isEmpty() ? "" : " (unless " + String.join(", ", endpoints)
                        + " already serves it)");
        return switch (effective) {
            case LIVE -> modelName + ", live on " + where;
            case RECORD -> modelName + ", record into " + store + " (missing judgments from " + where + ")";
            case REPLAY -> modelName + ", replay from " + store;
        };
    }

    ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }

    static String name(StoreMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
