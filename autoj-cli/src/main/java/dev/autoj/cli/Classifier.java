package dev.autoj.cli;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.internal.StandardJudge;
import dev.autoj.engine.protocol.Prompt;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoredJudgment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Classifies queries through a judge's scenario classifier, in parallel, and keeps with each answer
 * the classifier's raw text and the judge's warnings. The {@link Judge} API answers a scenario only;
 * the raw text comes from this run's generations or, for a stored answer, from the store.
 */
final class Classifier implements AutoCloseable {

    /** One classified query. */
    record Result(String query, Scenario scenario, String raw, List<String> warnings) {
    }

    /**
     * Warnings of the classification running on the calling thread: the judge reports them on the
     * caller's thread, and each query is classified on one thread.
     */
    static final class Warnings implements Consumer<String> {
        private final ThreadLocal<List<String>> current = new ThreadLocal<>();

        @Override
        public void accept(String warning) {
            List<String> sink = current.get();
            if (sink == null) {
                throw new IllegalStateException("a classifier warning arrived outside a classification: " + warning);
            }
            sink.add(warning);
        }
    }

    /** Passes generations through and remembers each prompt's raw answer. */
    static final class CapturingBackend implements Backend {
        private final Backend delegate;
        private final Map<String, String> answers = new ConcurrentHashMap<>();

        CapturingBackend(Backend delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String modelId() {
            return delegate.modelId();
        }

        @Override
        public List<Generation> generate(List<GenerationRequest> requests) {
            List<Generation> generations = delegate.generate(requests);
            for (int i = 0; i < Math.min(requests.size(), generations.size()); i++) {
                answers.put(requests.get(i).prompt(), generations.get(i).text());
            }
            return generations;
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private final Judge judge;
    private final String modelId;
    private final CapturingBackend captured;
    private final JudgmentStore store;
    private final int threads;
    private final Warnings warnings;

    Classifier(Judge judge, String modelId, CapturingBackend captured, JudgmentStore store, int threads, Warnings warnings) {
        this.judge = judge;
        this.modelId = modelId;
        this.captured = captured;
        this.store = store;
        this.threads = threads;
        this.warnings = warnings;
    }

    /** Classifies every query, results in query order; the first failure is rethrown as it was. */
    List<Result> classifyAll(List<String> queries) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, queries.size())));
        try {
            List<Future<Result>> futures = new ArrayList<>(queries.size());
            for (String query : queries) {
                futures.add(pool.submit(() -> classify(query)));
            }
            List<Result> results = new ArrayList<>(queries.size());
            for (Future<Result> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("classification failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while classifying", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private Result classify(String query) {
        List<String> mine = new ArrayList<>();
        warnings.current.set(mine);
        try {
            Scenario scenario = judge.classify(query);
            return new Result(query, scenario, raw(query), List.copyOf(mine));
        } finally {
            warnings.current.remove();
        }
    }

    private String raw(String query) {
        Prompt prompt = PromptBuilder.scenario(query);
        String live = captured == null ? null : captured.answers.get(prompt.text());
        if (live != null || store == null) {
            return live;
        }
        String key = JudgmentStore.key(modelId, prompt.protocol(), prompt.language(), prompt.text(),
                StandardJudge.CLASSIFIER_MAX_NEW_TOKENS);
        return store.find(key).map(StoredJudgment::rawOutput).orElse(null);
    }

    @Override
    public void close() {
        judge.close();
    }
}
