package dev.autoj.cli;

import dev.autoj.engine.Classification;
import dev.autoj.engine.Judge;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies queries through a judge's scenario classifier, a batch at a time. Each answer carries
 * the classifier's raw text, its warnings and its provenance, as the engine returns them.
 */
final class Classifier implements AutoCloseable {

    private final Judge judge;
    private final int batch;

    Classifier(Judge judge, int batch) {
        this.judge = judge;
        this.batch = batch;
    }

    /** Classifies every query, results in query order. */
    List<Classification> classifyAll(List<String> queries) {
        List<Classification> results = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i += batch) {
            results.addAll(judge.classifyAll(queries.subList(i, Math.min(queries.size(), i + batch))));
        }
        return results;
    }

    @Override
    public void close() {
        judge.close();
    }
}
