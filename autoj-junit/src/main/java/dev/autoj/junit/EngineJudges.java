package dev.autoj.junit;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.EmbeddedRuntime;
import dev.autoj.engine.backend.remote.RemoteBackend;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.engine.conformance.Conformance;
import dev.autoj.engine.server.ManagedServer;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Builds the engine's judge from the validated settings: back end, store and mode. */
final class EngineJudges {

    private EngineJudges() {
    }

    static Judge create(Settings settings) {
        Backend judgeBackend = null;
        Judge judge;
        try {
            Judges.Builder builder = Judges.builder().maxNewTokens(settings.maxNewTokens());
            switch (settings.mode()) {
                case REPLAY -> builder.mode(StoreMode.REPLAY).modelId(settings.modelName())
                        .store(JudgmentStore.open(settings.storeDir()));
                case RECORD -> builder.mode(StoreMode.RECORD).backend(judgeBackend = backend(settings))
                        .store(JudgmentStore.open(settings.storeDir()));
                case LIVE -> builder.mode(StoreMode.LIVE).backend(judgeBackend = backend(settings));
            }
            if (settings.classifierModelName() != null) {
                if (settings.mode() == Settings.Mode.REPLAY) {
                    builder.classifierModelId(settings.classifierModelName());
                } else {
                    builder.classifier(classifier(settings));
                }
            }
            judge = builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ExtensionConfigurationException("Cannot build the Auto-J judge from the autoj.* configuration (mode "
                    + lower(settings.mode()) + ", backend " + lower(settings.backend()) + ", store " + settings.storeDir()
                    + "): " + e.getMessage(), e);
        }
        // Before the run's first judgment: a judge that does not reproduce Auto-J must not score anything (autoj.conformance).
        try {
            Conformance.beforeFirstJudgment(judgeBackend, StoreMode.valueOf(settings.mode().name()), settings.conformance());
        } catch (RuntimeException e) {
            try {
                judge.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return judge;
    }

    private static Backend backend(Settings settings) {
        return switch (settings.backend()) {
            // With autoj.server.command the server starts at the first prompt that needs it (not for store hits), once per run.
            case REMOTE -> settings.server() == null ? remote(settings, settings.endpoints())
                    : ManagedServer.backend(settings.server(), settings.endpoints(), endpoints -> remote(settings, endpoints));
            case ONNX -> onnx(settings);
        };
    }

    private static RemoteBackend remote(Settings settings, List<URI> endpoints) {
        return new RemoteBackend(RemoteConfig.builder()
                .endpoints(endpoints)
                .modelName(settings.modelName())
                .requestTimeout(settings.timeout())
                .concurrency(settings.concurrency())
                .maxTokens(Math.max(settings.maxNewTokens(), RemoteConfig.DEFAULT_MAX_TOKENS))
                .bearerTokenEnv(settings.tokenEnv())
                .build());
    }

    /**
     * The embedded engine (autoj-onnx, found on the class path), loaded once for the run. Its model id is
     * autoj.model-name when set, else the folder's name (recording requires the name; {@link Settings} checks that).
     */
    private static Backend onnx(Settings settings) {
        EmbeddedRuntime runtime = EmbeddedRuntime.find().orElseThrow(() -> new ExtensionConfigurationException(
                "autoj.backend=onnx needs the embedded engine, which is not on the test class path: add the dependency "
                + EmbeddedRuntime.ARTIFACT + " (test scope; for CUDA exclude com.microsoft.onnxruntime:onnxruntime from it"
                + " and add com.microsoft.onnxruntime:onnxruntime_gpu), or judge through a server with autoj.backend=remote."));
        Backend backend;
        try {
            backend = runtime.open(new EmbeddedRuntime.Model(settings.modelPath(), settings.dtype(), settings.device(),
                    Math.max(settings.maxNewTokens(), RemoteConfig.DEFAULT_MAX_TOKENS), settings.onnxCacheDir()));
        } catch (BackendException e) {
            throw new ExtensionConfigurationException("autoj.model.path=" + settings.modelPath() + ": the embedded engine"
                    + " cannot load this checkpoint: " + e.getMessage() + " Point autoj.model.path at a LLaMA-family"
                    + " Hugging Face folder (config.json, tokenizer.json, *.safetensors) or an Optimum / onnxruntime-genai"
                    + " ONNX export.", e);
        }
        return settings.modelNameSet() ? backend.withModelId(settings.modelName()) : backend;
    }

    /** Auto-J's scenario classifier, served like the judge (it only ever needs 30 new tokens). */
    private static Backend classifier(Settings settings) {
        if (settings.backend() != Settings.Backend.REMOTE || settings.classifierEndpoints().isEmpty()) {
            throw new ExtensionConfigurationException("autoj.classifier.model-name=" + settings.classifierModelName()
                    + " needs a remote classifier to run live: set autoj.classifier.endpoints (or autoj.endpoints) to the "
                    + "servers that serve it, or drop autoj.classifier.model-name and name scenarios with inScenario(..).");
        }
        return new RemoteBackend(RemoteConfig.builder()
                .endpoints(settings.classifierEndpoints())
                .modelName(settings.classifierModelName())
                .requestTimeout(settings.timeout())
                .concurrency(settings.concurrency())
                .bearerTokenEnv(settings.tokenEnv())
                .build());
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
