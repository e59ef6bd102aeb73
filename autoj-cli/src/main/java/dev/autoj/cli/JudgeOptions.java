package dev.autoj.cli;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.engine.store.StoreMode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The judge options, a picocli mixin: a command that judges declares
 * {@code @Mixin JudgeOptions judge;} and gets {@code --backend}, {@code --endpoint},
 * {@code --model-name}, {@code --token-env}, {@code --timeout}, {@code --concurrency},
 * {@code --max-new-tokens}, {@code --batch}, {@code --mode} and {@code --store}.
 *
 * <pre>{@code
 * try (Judge j = judge.build()) {
 *     List<Comparison> c = j.compareAll(requests);
 * }
 * }</pre>
 */
final class JudgeOptions extends RunOptions {

    @Option(names = "--endpoint", paramLabel = "URL", split = ",",
            description = "the judge's server(s), OpenAI-compatible /v1/completions; repeat it or separate with commas")
    List<String> endpoints = new ArrayList<>();

    @Option(names = "--model-name", paramLabel = "NAME", defaultValue = RemoteConfig.DEFAULT_MODEL,
            description = "the judge model as the server names it; also keys the store (default: ${DEFAULT-VALUE};"
                    + " with --backend onnx: the --model folder's name, and required to record)")
    String modelName;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "" + GenerationRequest.AUTOJ_MAX_NEW_TOKENS,
            description = "the judge's token budget; part of every store key (default: ${DEFAULT-VALUE}, Auto-J's setting)")
    int maxNewTokens;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32",
            description = "requests per judge call; a pair is two prompts (default: ${DEFAULT-VALUE})")
    int batch;

    @Override
    List<String> modelOptionNames() {
        return List.of("--endpoint", "--model-name", "--max-new-tokens", "--batch");
    }

    /** Builds the judge; the caller closes it. Replay mode builds no back end. */
    Judge build() {
        if (maxNewTokens < 1) {
            throw usage("--max-new-tokens must be at least 1, got " + maxNewTokens + " (Auto-J's setting is 1024)");
        }
        if (batch < 1) {
            throw usage("--batch must be at least 1, got " + batch);
        }
        StoreMode effective = effectiveMode(endpoints);
        Judges.Builder builder = Judges.builder().mode(effective).maxNewTokens(maxNewTokens).store(openStore(effective));
        Backend backend = null;
        if (effective == StoreMode.REPLAY) {
            builder.modelId(modelName);
        } else {
            backend = backend("--endpoint", endpoints, "--model-name", modelName, effective,
                    Math.max(maxNewTokens, RemoteConfig.DEFAULT_MAX_TOKENS));
            builder.backend(backend);
        }
        return build(builder, backend);
    }

    /** Splits requests into the judge calls of one run. */
    <T> List<List<T>> batches(List<T> requests) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i += batch) {
            out.add(requests.subList(i, Math.min(requests.size(), i + batch)));
        }
        return out;
    }

    String describe() {
        return describe(effectiveMode(endpoints), endpoints, modelName);
    }
}
