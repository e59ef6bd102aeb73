package dev.autoj.engine.backend;

import java.util.List;

/**
 * Batched greedy generation: where a judge's prompts are actually completed. Implementations:
 * the embedded ONNX Runtime engine and the remote OpenAI-compatible completions client.
 *
 * <p>Implementations are thread-safe. {@link #generate} receives the prompts that should be
 * decoded together and answers in the same order.
 */
public interface Backend extends AutoCloseable {

    /** Short name for reports and store records, e.g. {@code "remote"} or {@code "onnx"}. */
    String name();

    /** The id of the served model, e.g. {@code "GAIR/autoj-13b"}; part of every judgment's store key. */
    String modelId();

    /**
     * Completes each request greedily.
     *
     * @throws BackendException when the model cannot answer; the message says which request and why
     */
    List<Generation> generate(List<GenerationRequest> requests);

    /**
     * Whether this back end applies {@link GenerationRequest#sampling()}; false (the default) for a back end
     * that decodes greedily only, such as the embedded engine, which a sampled judge therefore refuses.
     */
    default boolean samples() {
        return false;
    }

    /**
     * This back end under another model id, e.g. the embedded engine (which names its model after
     * the folder, different on every machine) under {@code "GAIR/autoj-13b"}, so that store keys
     * are the same wherever the judgments are recorded. Closing the result closes this back end.
     *
     * <pre>{@code
     * Backend judge = OnnxBackend.open(OnnxOptions.of(dir)).withModelId("GAIR/autoj-13b");
     * }</pre>
     */
    default Backend withModelId(String modelId) {
        return modelId.equals(modelId()) ? this : new RenamedBackend(this, modelId);
    }

    @Override
    default void close() {
    }
}
