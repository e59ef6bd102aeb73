package dev.autoj.engine.cli;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.remote.RemoteBackend;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.engine.eval.InputException;
import dev.autoj.engine.store.JudgmentStore;
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
 * <p>A new kind of back end is one {@link BackendKind} constant and one case in {@link #backend}.
 */
abstract class RunOptions {

    /** The back ends a model can run on. */
    enum BackendKind {
        /** An OpenAI-compatible completions server: vLLM, TGI, llama.cpp server, Ollama. */
        REMOTE,
        /** The embedded ONNX Runtime engine; not part of this build yet. */
        ONNX
    }

    private static final List<String> NAMES = List.of("--backend", "--token-env", "--timeout", "--concurrency", "--mode", "--store");

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--backend", paramLabel = "remote|onnx", defaultValue = "remote", converter = Converters.Backend.class,
            description = "where the model runs (default: ${DEFAULT-VALUE}); onnx is not available in this build yet")
    BackendKind backendKind;

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
                    + " record with --store and an endpoint, replay with --store alone)")
    StoreMode mode;

    @Option(names = "--store", paramLabel = "DIR", description = "the judgment store folder (see docs/record-replay.md)")
    Path store;

    /** The option names of the model's own endpoint, name and budget. */
    abstract List<String> modelOptionNames();

    /** True when the command line names any of these options, i.e. asks for a model run. */
    boolean anyGiven() {
        var parsed = mixee.commandLine().getParseResult();
        return Stream.concat(NAMES.stream(), modelOptionNames().stream()).anyMatch(parsed::hasMatchedOption);
    }

    /** The store mode: as given, or the builder's default from what is configured. */
    StoreMode effectiveMode(boolean endpointsGiven) {
        if (mode != null) {
            return mode;
        }
        return store == null ? StoreMode.LIVE : endpointsGiven ? StoreMode.RECORD : StoreMode.REPLAY;
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
     */
    Backend backend(String endpointOption, List<String> endpoints, String modelName, int maxTokens) {
        return switch (backendKind) {
            case REMOTE -> remote(endpointOption, endpoints, modelName, maxTokens);
            case ONNX -> throw usage("--backend onnx: the embedded ONNX engine is not available in this build yet;"
                    + " use --backend remote " + endpointOption + " URL, or replay recorded judgments with --mode replay --store DIR");
        };
    }

    private Backend remote(String endpointOption, List<String> endpoints, String modelName, int maxTokens) {
        if (endpoints.isEmpty()) {
            throw usage("a live model run needs its server: " + endpointOption + " URL[,URL…] (e.g. http://judge-host:8000),"
                    + " or replay recorded judgments with --mode replay --store DIR");
        }
        try {
            RemoteConfig.Builder config = RemoteConfig.builder()
                    .endpoints(String.join(",", endpoints))
                    .modelName(modelName)
                    .concurrency(concurrency)
                    .maxTokens(maxTokens)
                    .bearerTokenEnv(tokenEnv);
            if (timeout != null) {
                config.requestTimeout(timeout);
            }
            return new RemoteBackend(config.build());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
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
        return switch (effective) {
            case LIVE -> modelName + ", live on " + String.join(", ", endpoints);
            case RECORD -> modelName + ", record into " + store + " (missing judgments from " + String.join(", ", endpoints) + ")";
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
