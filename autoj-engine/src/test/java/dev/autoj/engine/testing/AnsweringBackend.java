package dev.autoj.engine.testing;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.StopReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A test back end, not a model: it answers each prompt with what a function makes of it, stopped
 * at EOS, and remembers the prompts it was sent; shared through the engine's test-jar. Tests use it
 * where what matters is the path around the back end (store, classifier, warnings, conformance),
 * never as a judge's verdict on real data.
 *
 * <pre>{@code
 * AnsweringBackend classifier = new AnsweringBackend("classifier", "GAIR/autoj-scenario-classifier", prompt -> "code_generation");
 * }</pre>
 */
public final class AnsweringBackend implements Backend {

    private final String name;
    private final String modelId;
    private final Function<String, String> answer;
    private final List<String> prompts = new CopyOnWriteArrayList<>();

    public AnsweringBackend(String name, String modelId, Function<String, String> answer) {
        this.name = name;
        this.modelId = modelId;
        this.answer = answer;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public List<Generation> generate(List<GenerationRequest> requests) {
        requests.forEach(r -> prompts.add(r.prompt()));
        return requests.stream().map(r -> new Generation(answer.apply(r.prompt()), StopReason.EOS, -1, -1, Duration.ZERO)).toList();
    }

    /** The prompts sent so far, in order. */
    public List<String> prompts() {
        return List.copyOf(prompts);
    }
}
