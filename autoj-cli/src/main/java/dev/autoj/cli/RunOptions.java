package dev.autoj.cli;

import dev.autoj.cli.eval.InputException;
import dev.autoj.engine.JudgeSpec;
import dev.autoj.engine.Setting;
import dev.autoj.engine.SettingText;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Device;
import dev.autoj.engine.backend.Dtype;
import dev.autoj.engine.server.ServerConfig;
import dev.autoj.engine.store.StoreMode;
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
 * <p>The options become the engine's {@link JudgeSpec}, the one settings→judge path the JUnit extension uses too.
 */
abstract class RunOptions {

    private static final List<String> NAMES = List.of("--backend", "--token-env", "--timeout", "--concurrency", "--mode", "--store",
            "--model", "--dtype", "--device", "--cache-dir", "--server-command", "--server-startup-timeout", "--server-log");

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--backend", paramLabel = "remote|onnx", defaultValue = "remote", converter = Converters.Backend.class,
            description = "where the model runs: a completions server, or the embedded ONNX engine (default: ${DEFAULT-VALUE})")
    JudgeSpec.BackendKind backendKind;

    @Option(names = "--model", paramLabel = "DIR",
            description = "--backend onnx: the Hugging Face model folder (config.json, tokenizer.json, *.safetensors)")
    Path model;

    @Option(names = "--dtype", paramLabel = "fp32|fp16|int4",
            description = "--backend onnx: weight type in the session (default: fp32; int4 for a GPTQ folder, which runs only as int4)")
    String dtype;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", defaultValue = "auto",
            description = "--backend onnx: execution device; auto tries CUDA and falls back to the CPU (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "--backend onnx: where built ONNX graphs are kept (default: ~/.cache/autoj/onnx)")
    Path cacheDir;

    @Option(names = "--token-env", paramLabel = "VAR",
            description = "environment variable holding the servers' bearer token (the token itself is never an option)")
    String tokenEnv;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.PositiveDuration.class,
            description = "time allowed for one whole generation request, e.g. 90s or 5m (default: 5m, as autoj.timeout)")
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
                    + " --port {port}\" ({port}: a free loopback port); not started when an endpoint already serves the model")
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
        return anyGivenBut(null);
    }

    /** True when the command line names any of these options other than {@code option}. */
    boolean anyGivenBut(String option) {
        var parsed = mixee.commandLine().getParseResult();
        return Stream.concat(NAMES.stream(), modelOptionNames().stream()).filter(name -> !name.equals(option)).anyMatch(parsed::hasMatchedOption);
    }

    /**
     * The engine's judge settings from these options, for the model behind {@code endpointOption} /
     * {@code nameOption}; messages name the options. The mode, when not given, follows from what is
     * configured: live without {@code --store}, record with a store and a model, replay with a store alone.
     */
    JudgeSpec.Builder spec(String endpointOption, List<String> endpoints, String nameOption, String modelName) {
        boolean named = mixee.commandLine().getParseResult().hasMatchedOption(nameOption);
        JudgeSpec.Builder spec = JudgeSpec.builder().naming(naming(endpointOption, nameOption)).backend(backendKind)
                .concurrency(concurrency).tokenEnv(tokenEnv).storeDir(store).modelPath(model).cacheDir(cacheDir);
        try {
            spec.endpoints(SettingText.parseEndpoints(String.join(",", endpoints))).device(Device.parse(device));
            if (dtype != null) {
                spec.dtype(Dtype.parse(dtype));
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (named) {
            spec.modelName(modelName);
        }
        if (timeout != null) {
            spec.timeout(timeout);
        }
        if (serverCommand != null) {
            try {
                ServerConfig server = ServerConfig.of(serverCommand, modelName).withLogFile(serverLog);
                spec.server(serverStartupTimeout == null ? server : server.withStartupTimeout(serverStartupTimeout));
            } catch (IllegalArgumentException e) {
                throw usage("--server-command \"" + serverCommand + "\": " + e.getMessage());
            }
            if (tokenEnv != null && (System.getenv(tokenEnv) == null || System.getenv(tokenEnv).isBlank())) {
                // Checked now: the client is only built when the server is up, minutes later.
                throw usage("--token-env names " + tokenEnv + ", which is unset or blank; export it with the server's API key"
                        + " (e.g. the --api-key given to vllm serve), or drop --token-env");
            }
        }
        return spec.impliedMode(mode != null, mode);
    }

    /**
     * Opens the judge's settings; a setting the spec refuses is a usage error. A replay store that is
     * not a folder and a model folder the engine cannot load are bad input, as any other input file.
     */
    JudgeSpec validate(JudgeSpec.Builder builder) {
        JudgeSpec spec;
        try {
            spec = builder.build();
        } catch (JudgeSpec.InvalidSpecException e) {
            throw usage(e.getMessage());
        }
        if (spec.mode() == StoreMode.REPLAY && !Files.isDirectory(spec.storeDir())) {
            throw new InputException(spec.storeDir(), 0, "is not a folder, so it holds no judgments to replay",
                    "import the published Auto-J outputs (autoj store import-testbed) or record judgments with --mode record first");
        }
        return spec;
    }

    /** Runs {@code open} on the spec; a model folder the embedded engine cannot load, or a tokenizer file, is bad input. */
    <T> T open(JudgeSpec spec, java.util.function.Function<JudgeSpec, T> open) {
        try {
            return open.apply(spec);
        } catch (JudgeSpec.InvalidSpecException e) {
            if (e.getCause() instanceof BackendException && e.setting() == Setting.TOKENIZER) {
                throw new InputException(spec.tokenizer(), 0, "is not a usable tokenizer: " + e.getCause().getMessage(),
                        "point --tokenizer at the judge model's tokenizer.json (for Auto-J, LLaMA-2's)", e);
            }
            if (e.getCause() instanceof BackendException && model != null) {
                throw new InputException(model, 0, "is not a usable model folder: " + e.getCause().getMessage(),
                        "point --model at a LLaMA-family Hugging Face checkpoint or an Optimum / onnxruntime-genai ONNX export", e);
            }
            throw usage(e.getMessage());
        }
    }

    /** Settings named as this command's options: each setting's own, and this model's endpoint and name options. */
    private static JudgeSpec.Naming naming(String endpointOption, String nameOption) {
        return new JudgeSpec.Naming() {
            @Override
            public String name(Setting setting) {
                return switch (setting) {
                    case ENDPOINTS -> endpointOption;
                    case MODEL_NAME -> nameOption;
                    default -> setting.option();
                };
            }

            @Override
            public String assign(Setting setting, String value) {
                return name(setting) + " " + value;
            }
        };
    }

    ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }

    static String name(StoreMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
