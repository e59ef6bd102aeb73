package dev.autoj.engine.internal;

import dev.autoj.engine.Judge;
import dev.autoj.engine.JudgeSpec;
import dev.autoj.engine.JudgeSpec.BackendKind;
import dev.autoj.engine.JudgeSpec.InvalidSpecException;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Setting;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.EmbeddedRuntime;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.TokenCounter;
import dev.autoj.engine.backend.remote.RemoteBackend;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.engine.conformance.Conformance;
import dev.autoj.engine.server.ManagedServer;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The wiring behind {@link JudgeSpec#open()} and {@link JudgeSpec#openBackend()}: the store, the back end (a
 * remote client, or the embedded runtime found on the class path), the token counter, the classifier and the
 * conformance check, each from a validated spec.
 */
public final class JudgeFactory {

    private JudgeFactory() {
    }

    /** See {@link JudgeSpec#open()}. */
    public static Judge open(JudgeSpec spec) {
        Judges.Builder builder = Judges.builder().maxNewTokens(spec.maxNewTokens()).mode(spec.mode()).sampling(spec.sampling());
        if (spec.mode() == StoreMode.REPLAY && !Files.isDirectory(spec.storeDir())) {
            throw new InvalidSpecException(Setting.STORE_DIR,
                    spec.naming().name(Setting.STORE_DIR) + " = " + spec.storeDir() + " is not a folder (seen from "
                    + Path.of("").toAbsolutePath() + "), so it holds no judgments to replay: import the published Auto-J"
                    + " outputs (autoj store import-testbed) or record judgments with " + spec.naming().assign(Setting.MODE, "record")
                    + " first");
        }
        if (spec.mode() != StoreMode.LIVE) {
            builder.store(JudgmentStore.open(spec.storeDir()));
        }
        Backend judgeBackend = null;
        Backend classifierBackend = null;
        TokenCounter counter = null;
        Judge judge;
        try {
            if (spec.mode() == StoreMode.REPLAY) {
                builder.modelId(spec.modelName());
                if (spec.classifierModelName() != null) {
                    builder.classifierModelId(spec.classifierModelName());
                }
            } else {
                if (spec.backend() == BackendKind.REMOTE) {
                    counter = tokenCounter(spec);
                    builder.contextWindow(spec.contextWindow()).tokenCounter(counter);
                }
                judgeBackend = openBackend(spec);
                builder.backend(judgeBackend);
                if (spec.classifierModelName() != null) {
                    classifierBackend = remote(spec, spec.classifierEndpoints(), spec.classifierModelName(),
                            GenerationRequest.AUTOJ_MAX_NEW_TOKENS);
                    builder.classifier(classifierBackend);
                }
            }
            judge = builder.build();
        } catch (IllegalArgumentException | IllegalStateException | BackendException e) {
            closeQuietly(judgeBackend, e);
            closeQuietly(classifierBackend, e);
            closeQuietly(counter, e);
            throw e instanceof InvalidSpecException invalid ? invalid
                    : new InvalidSpecException("Cannot build the Auto-J judge (mode " + lower(spec.mode()) + ", backend "
                            + lower(spec.backend())
                            + (spec.storeDir() != null ? ", store " + spec.storeDir() : "") + "): " + e.getMessage(), e);
        }
        try {
            Conformance.beforeFirstJudgment(judgeBackend, spec.mode(), spec.conformance());
        } catch (RuntimeException e) {
            closeQuietly(judge, e);
            throw e;
        }
        return judge;
    }

    /** See {@link JudgeSpec#openBackend()}. */
    public static Backend openBackend(JudgeSpec spec) {
        int budget = spec.backendBudget();
        return switch (spec.backend()) {
            // With a server command the server starts at the first prompt that needs it (store hits need none), once.
            case REMOTE -> spec.server() == null ? remote(spec, spec.endpoints(), spec.modelName(), budget)
                    : ManagedServer.backend(spec.server(), spec.endpoints(), chosen -> remote(spec, chosen, spec.modelName(), budget));
            case ONNX -> embedded(spec);
        };
    }

    private static RemoteBackend remote(JudgeSpec spec, List<URI> servers, String model, int maxTokens) {
        return new RemoteBackend(RemoteConfig.builder()
                .endpoints(servers)
                .modelName(model)
                .requestTimeout(spec.timeout())
                .concurrency(spec.concurrency())
                .maxTokens(maxTokens)
                .bearerTokenEnv(spec.tokenEnv())
                .build());
    }

    /** The counter of the spec's tokenizer, from the embedded runtime on the class path; null without a tokenizer. */
    private static TokenCounter tokenCounter(JudgeSpec spec) {
        if (spec.tokenizer() == null) {
            return null;
        }
        EmbeddedRuntime runtime = EmbeddedRuntime.find().orElseThrow(() -> new InvalidSpecException(Setting.TOKENIZER,
                spec.naming().name(Setting.TOKENIZER) + " = " + spec.tokenizer() + " needs autoj's tokenizer binding, which is not on the class"
                + " path: add the dependency " + EmbeddedRuntime.ARTIFACT + " (it counts with the Hugging Face tokenizers"
                + " library; the judge still runs on the server), or remove " + spec.naming().name(Setting.TOKENIZER) + "."));
        try {
            return runtime.tokenCounter(spec.tokenizer());
        } catch (BackendException e) {
            throw new InvalidSpecException(Setting.TOKENIZER,
                    spec.naming().name(Setting.TOKENIZER) + " = " + spec.tokenizer() + ": " + e.getMessage(), e);
        }
    }

    /** The embedded engine; its model id is the configured name when given, else the folder's name. */
    private static Backend embedded(JudgeSpec spec) {
        EmbeddedRuntime runtime = EmbeddedRuntime.find().orElseThrow(() -> new InvalidSpecException(Setting.BACKEND,
                spec.naming().assign(Setting.BACKEND, "onnx") + " needs the embedded engine, which is not on the class path: add the"
                + " dependency " + EmbeddedRuntime.ARTIFACT + " (for CUDA exclude com.microsoft.onnxruntime:onnxruntime from it"
                + " and add com.microsoft.onnxruntime:onnxruntime_gpu), or judge through a server with "
                + spec.naming().assign(Setting.BACKEND, "remote") + "."));
        Backend opened;
        try {
            opened = runtime.open(new EmbeddedRuntime.Model(spec.modelPath(), spec.dtype(), spec.device(),
                    spec.backendBudget(), spec.cacheDir()));
        } catch (BackendException e) {
            throw new InvalidSpecException(Setting.MODEL_PATH,
                    spec.naming().name(Setting.MODEL_PATH) + " = " + spec.modelPath() + ": the embedded engine cannot"
                    + " load this model: " + e.getMessage() + " Point it at a LLaMA-family Hugging Face folder (config.json,"
                    + " tokenizer.json, *.safetensors) or an Optimum / onnxruntime-genai ONNX export.", e);
        }
        return spec.modelNameGiven() ? opened.withModelId(spec.modelName()) : opened;
    }

    private static void closeQuietly(AutoCloseable resource, Exception primary) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception closing) {
            primary.addSuppressed(closing);
        }
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT);
    }
}
