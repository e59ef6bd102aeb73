package dev.autoj.engine;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.Sampling;
import dev.autoj.engine.backend.TokenCounter;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.internal.StandardJudge;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Builds a {@link Judge} over any {@link Backend}, optionally with a {@link JudgmentStore}.
 *
 * <pre>{@code
 * // live, recording every judgment so that CI can replay it without a GPU
 * Judge judge = Judges.builder()
 *         .backend(remoteBackend)                      // modelId() "GAIR/autoj-13b"
 *         .store(JudgmentStore.open(Path.of("src/test/autoj-store")))
 *         .mode(StoreMode.RECORD)
 *         .classifier(classifierBackend)               // optional: lets requests omit the scenario
 *         .build();
 *
 * // replay only: no back end at all
 * Judge replay = Judges.builder()
 *         .modelId("GAIR/autoj-13b")
 *         .store(JudgmentStore.open(Path.of("src/test/autoj-store")))
 *         .mode(StoreMode.REPLAY)
 *         .build();
 * }</pre>
 *
 * <p>The judge sends all prompts of one {@code compareAll} / {@code gradeAll} call (both orders of
 * every pair) to the back end in one {@code generate} batch. It is thread-safe: share one instance;
 * concurrent callers each send their own batch (the JUnit extension gathers concurrent tests into one).
 * Closing the judge closes its back ends.
 *
 * <p>Store modes: {@link StoreMode#LIVE} never touches the store; {@link StoreMode#RECORD} answers
 * from the store when it can and records what the back end says otherwise; {@link StoreMode#REPLAY}
 * answers only from the store and fails on a miss, naming the key and how to record it. Without
 * {@link Builder#mode}, the mode is {@code LIVE} without a store, {@code RECORD} with a store and a
 * back end, and {@code REPLAY} with a store alone.
 */
public final class Judges {

    private Judges() {
    }

    /** A builder with Auto-J's defaults: greedy decoding, at most 1024 new tokens. */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a judge; validated once, in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private Backend backend;
        private String modelId;
        private Backend classifier;
        private String classifierModelId;
        private JudgmentStore store;
        private StoreMode mode;
        private int maxNewTokens = GenerationRequest.AUTOJ_MAX_NEW_TOKENS;
        private Consumer<String> warningListener;
        private Clock clock = Clock.systemUTC();
        private TokenCounter tokenCounter;
        private int contextWindow;
        private Sampling sampling;

        private Builder() {
        }

        /**
         * Samples instead of decoding greedily: only {@link Sampling#PROMETHEUS_LIBRARY} for a Prometheus 2 judge on a
         * back end that {@linkplain Backend#samples() samples} (a vLLM server), re-asking up to
         * {@link Sampling#PROMETHEUS_LIBRARY_ASKS} times in all when an output cannot be read, as the prometheus-eval
         * library does. Sampled judgments have their own store keys. Anything else is refused in {@link #build()}.
         *
         * <pre>{@code
         * Judges.builder().backend(vllm).sampling(Sampling.PROMETHEUS_LIBRARY)   // vllm serves prometheus-eval/prometheus-7b-v2.0
         * }</pre>
         */
        public Builder sampling(Sampling sampling) {
            this.sampling = sampling;
            return this;
        }

        /** The back end that runs the judge model; its {@link Backend#modelId()} keys the store. */
        public Builder backend(Backend backend) {
            this.backend = backend;
            return this;
        }

        /**
         * The judge model id used in store keys, e.g. {@code "GAIR/autoj-13b"}. Required in replay mode
         * without a back end; with a back end it must equal the back end's model id.
         */
        public Builder modelId(String modelId) {
            this.modelId = modelId;
            return this;
        }

        /** The back end running Auto-J's scenario classifier, used by {@link Judge#classify} and for requests without a scenario. */
        public Builder classifier(Backend classifier) {
            this.classifier = classifier;
            return this;
        }

        /** The classifier's model id, to replay recorded classifications without a classifier back end. */
        public Builder classifierModelId(String classifierModelId) {
            this.classifierModelId = classifierModelId;
            return this;
        }

        /** The judgment store used by {@code RECORD} and {@code REPLAY} modes. */
        public Builder store(JudgmentStore store) {
            this.store = store;
            return this;
        }

        /** How the store is used; see the class comment for the default. */
        public Builder mode(StoreMode mode) {
            this.mode = mode;
            return this;
        }

        /** The judge's token budget (default 1024, Auto-J's setting); part of every store key. */
        public Builder maxNewTokens(int maxNewTokens) {
            this.maxNewTokens = maxNewTokens;
            return this;
        }

        /**
         * Receives every warning the judge raises (e.g. a classifier answer that is not a scenario),
         * in addition to the log, where each distinct warning appears once.
         */
        public Builder onWarning(Consumer<String> listener) {
            this.warningListener = listener;
            return this;
        }

        /** The clock stamped on recorded judgments (the time is never part of a key). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * The judge's context window in tokens (4096 for Auto-J-13B), prompt and token budget together: a
         * prompt that cannot fit it with the budget is not sent, and its judgment is a no-verdict saying so
         * while the rest of the batch is judged. Counted exactly with {@link #tokenCounter}; without one,
         * only a prompt whose length alone proves it too long is refused (no LLaMA-2 token covers more
         * than 16 characters). Not set: nothing is refused before sending (the embedded engine refuses
         * over-long prompts itself).
         *
         * <pre>{@code
         * Judges.builder().backend(remote).contextWindow(4096)
         *         .tokenCounter(EmbeddedRuntime.require().tokenCounter(Path.of("tokenizer.json"))).build();
         * }</pre>
         */
        public Builder contextWindow(int tokens) {
            this.contextWindow = tokens;
            return this;
        }

        /** Counts prompt tokens for {@link #contextWindow}; closing the judge closes it. */
        public Builder tokenCounter(TokenCounter counter) {
            this.tokenCounter = counter;
            return this;
        }

        /**
         * Validates the settings and builds the judge.
         *
         * @throws IllegalArgumentException naming the setting that is missing or inconsistent
         */
        public Judge build() {
            if (maxNewTokens < 1) {
                throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens
                        + "; Auto-J is decoded with at most 1024 new tokens");
            }
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null");
            }
            if (contextWindow < 0 || (contextWindow > 0 && contextWindow <= maxNewTokens)) {
                throw new IllegalArgumentException("contextWindow must leave room for a prompt beside the " + maxNewTokens
                        + "-token budget, got " + contextWindow + " (Auto-J-13B's window is 4096 tokens)");
            }
            if (tokenCounter != null && contextWindow == 0) {
                throw new IllegalArgumentException("tokenCounter counts prompts against the context window, which is not set:"
                        + " call contextWindow(4096) too (Auto-J-13B's window)");
            }
            StoreMode effective = mode != null ? mode : store == null ? StoreMode.LIVE : backend == null ? StoreMode.REPLAY : StoreMode.RECORD;
            if (effective != StoreMode.LIVE && store == null) {
                throw new IllegalArgumentException("Store mode " + effective + " needs a judgment store: call store(JudgmentStore.open(dir))");
            }
            if (effective != StoreMode.REPLAY && backend == null) {
                throw new IllegalArgumentException("Store mode " + effective + " needs a back end to run the judge: call backend(..),"
                        + " or use mode(StoreMode.REPLAY) with a recorded store");
            }
            String judgeModel = modelId(backend, modelId, "modelId", "backend");
            if (judgeModel == null) {
                throw new IllegalArgumentException("Replay without a back end needs the judge's model id, which keys the store:"
                        + " call modelId(\"GAIR/autoj-13b\") (the id the judgments were recorded with)");
            }
            if (effective == StoreMode.LIVE && classifier == null && classifierModelId != null) {
                throw new IllegalArgumentException("classifierModelId without a classifier back end only works with a store in"
                        + " RECORD or REPLAY mode; call classifier(backend) for live classification");
            }
            String classifierModel = modelId(classifier, classifierModelId, "classifierModelId", "classifier");
            requireSampling(sampling, backend, judgeModel);
            return new StandardJudge(new StandardJudge.Settings(backend, judgeModel, classifier, classifierModel,
                    store, effective, maxNewTokens, warningListener, clock, tokenCounter, contextWindow, sampling));
        }

        /** Sampling is applied or refused aloud: only the library's, only for Prometheus 2, only on a back end that samples. */
        private static void requireSampling(Sampling sampling, Backend backend, String judgeModel) {
            if (sampling == null) {
                return;
            }
            if (!sampling.equals(Sampling.PROMETHEUS_LIBRARY) || JudgeFamilies.judging(judgeModel) != JudgeFamilies.PROMETHEUS) {
                throw new IllegalArgumentException("sampling " + sampling.describe() + " is not offered for " + judgeModel
                        + ": autoj samples only as the prometheus-eval library does (Sampling.PROMETHEUS_LIBRARY) and only for"
                        + " Prometheus 2; Auto-J is decoded greedily, as GAIR evaluated it. Drop sampling(..).");
            }
            if (backend != null && !backend.samples()) {
                throw new IllegalArgumentException("the back end '" + backend.name() + "' decodes greedily only (the embedded"
                        + " engine cannot sample), so it cannot apply " + sampling.describe() + ": judge through a server"
                        + " (vLLM) or drop sampling(..)");
            }
        }

        private static String modelId(Backend backend, String configured, String setting, String backendSetting) {
            if (configured != null && configured.isBlank()) {
                throw new IllegalArgumentException(setting + " must not be blank");
            }
            if (backend == null) {
                return configured;
            }
            String served = backend.modelId();
            if (served == null || served.isBlank()) {
                throw new IllegalArgumentException("The " + backendSetting + " back end '" + backend.name() + "' reports no model id");
            }
            if (configured != null && !configured.equals(served)) {
                throw new IllegalArgumentException(setting + " '" + configured + "' differs from the " + backendSetting
                        + " back end's model id '" + served + "'; drop " + setting + "(..) or configure the back end with that model name");
            }
            return served;
        }
    }
}
