package dev.autoj.cli;

import dev.autoj.engine.Judge;
import dev.autoj.engine.JudgeSpec;
import dev.autoj.engine.SettingText;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.Sampling;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.engine.conformance.ConformanceMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The judge options, a picocli mixin: a command that judges declares
 * {@code @Mixin JudgeOptions judge;} and gets {@code --backend}, {@code --endpoint},
 * {@code --model-name}, {@code --token-env}, {@code --timeout}, {@code --concurrency},
 * {@code --max-new-tokens}, {@code --batch}, {@code --tokenizer}, {@code --context-window}, {@code --mode} and
 * {@code --store}.
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

    @Option(names = "--conformance", paramLabel = "strict|warn|off", defaultValue = "strict", converter = Converters.Conformance.class,
            description = "in live and record modes, check the judge on Auto-J's golden set before the first judgment, as"
                    + " the JUnit extension does: strict stops a judge that does not reproduce Auto-J, warn logs it"
                    + " (default: ${DEFAULT-VALUE}; docs/conformance.md)")
    ConformanceMode conformance;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json",
            description = "count each prompt's tokens with this Hugging Face tokenizer (Auto-J: LLaMA-2's tokenizer.json, or a"
                    + " folder holding it) and refuse, before sending, a prompt that cannot fit --context-window with the"
                    + " budget: a no-verdict judgment naming its token count; the rest is judged (remote back end)")
    Path tokenizer;

    @Option(names = "--context-window", paramLabel = "N",
            description = "the remote judge's context window in tokens, prompt and budget together (default: the judge family's,"
                    + " 4096 for Auto-J, 32768 for Prometheus 2); without --tokenizer only prompts whose length alone proves them"
                    + " too long are refused")
    Integer contextWindow;

    @Option(names = "--sampling", paramLabel = "greedy|prometheus-library", defaultValue = "greedy",
            description = "greedy decoding (default), or Prometheus 2's library sampling through a server (temperature 1.0,"
                    + " top-p 0.9, repetition penalty 1.03, asking again up to 10 times for an unreadable output; sampled"
                    + " judgments have their own store keys; refused with --backend onnx and for Auto-J)")
    String sampling;

    @Override
    List<String> modelOptionNames() {
        return List.of("--endpoint", "--model-name", "--max-new-tokens", "--batch", "--tokenizer", "--context-window", "--sampling");
    }

    /** The judge's settings, validated. */
    JudgeSpec spec() {
        if (batch < 1) {
            throw usage("--batch must be at least 1, got " + batch);
        }
        Sampling chosen;
        try {
            chosen = SettingText.parseSampling(sampling);
        } catch (IllegalArgumentException e) {
            throw usage("--sampling: " + e.getMessage());
        }
        return validate(spec("--endpoint", endpoints, "--model-name", modelName).maxNewTokens(maxNewTokens).conformance(conformance)
                .tokenizer(tokenizer).contextWindow(contextWindow == null ? 0 : contextWindow).sampling(chosen));
    }

    /** Opens the judge, with the conformance check before its first judgment; the caller closes it. */
    Judge build() {
        return open(spec(), JudgeSpec::open);
    }

    /** Opens the judge without the conformance check, for the command that runs that check itself. */
    Judge buildUnchecked() {
        return open(spec().toBuilder().conformance(ConformanceMode.OFF).build(), JudgeSpec::open);
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
        return spec().describe();
    }
}
