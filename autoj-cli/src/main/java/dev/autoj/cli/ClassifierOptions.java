package dev.autoj.cli;

import dev.autoj.engine.Classification;
import dev.autoj.engine.Judge;
import dev.autoj.engine.JudgeSpec;
import dev.autoj.engine.Judges;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.conformance.ConformanceMode;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The scenario-classifier options, a picocli mixin for commands that classify queries
 * ({@code classify}, {@code eval scenario}): {@code --classifier-endpoint},
 * {@code --classifier-model-name} and the shared {@code --backend}, {@code --token-env},
 * {@code --timeout}, {@code --concurrency}, {@code --mode}, {@code --store}.
 *
 * <pre>{@code
 * List<Classification> results = classifier.classifyAll(queries);
 * }</pre>
 */
final class ClassifierOptions extends RunOptions {

    /** Auto-J's scenario classifier on Hugging Face. */
    static final String DEFAULT_MODEL = "GAIR/autoj-scenario-classifier";

    @Option(names = "--classifier-endpoint", paramLabel = "URL", split = ",",
            description = "the scenario classifier's server(s), OpenAI-compatible /v1/completions; repeat it or separate with commas")
    List<String> endpoints = new ArrayList<>();

    @Option(names = "--classifier-model-name", paramLabel = "NAME", defaultValue = DEFAULT_MODEL,
            description = "the classifier model as the server names it; also keys the store (default: ${DEFAULT-VALUE})")
    String modelName;

    @Override
    List<String> modelOptionNames() {
        return List.of("--classifier-endpoint", "--classifier-model-name");
    }

    /** Classifies the queries with a classifier built for them and closed after. */
    List<Classification> classifyAll(List<String> queries) {
        try (Classifier c = build()) {
            return c.classifyAll(queries);
        }
    }

    /** Builds the classifier; the caller closes it. Replay mode builds no back end. */
    Classifier build() {
        // The classifier runs on the same settings path as the judge, as the model of its own spec; Auto-J's
        // golden set checks a judge, not a classifier, so no conformance check runs here.
        JudgeSpec spec = validate(spec("--classifier-endpoint", endpoints, "--classifier-model-name", modelName)
                .modelName(modelName).conformance(ConformanceMode.OFF));
        StoreMode effective = spec.mode();
        Judges.Builder builder = Judges.builder().mode(effective)
                .store(effective == StoreMode.LIVE ? null : JudgmentStore.open(spec.storeDir()));
        Backend backend = null;
        if (effective == StoreMode.REPLAY) {
            // Judges requires a judge model; a classify-only run never judges, so the classifier fills that role.
            builder.modelId(modelName).classifierModelId(modelName);
        } else {
            backend = open(spec, JudgeSpec::openBackend);
            builder.backend(backend).classifier(backend);
        }
        Judge judge;
        try {
            judge = builder.build();
        } catch (IllegalArgumentException e) {
            if (backend != null) {
                backend.close();
            }
            throw usage(e.getMessage());
        }
        // One batch holds as many prompts as the servers take at once, so progress stays visible on long files.
        return new Classifier(judge, Math.max(64, spec.concurrency() * 8));
    }

    String describe() {
        return validate(spec("--classifier-endpoint", endpoints, "--classifier-model-name", modelName).modelName(modelName)
                .conformance(ConformanceMode.OFF)).describe();
    }
}
