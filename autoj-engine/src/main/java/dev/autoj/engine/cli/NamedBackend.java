package dev.autoj.engine.cli;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import java.util.List;

/**
 * A back end under the model id the user chose with {@code --model-name}: the embedded engine names
 * its model after the folder, which differs between machines, while store keys must not.
 */
final class NamedBackend implements Backend {

    private final Backend delegate;
    private final String modelId;

    NamedBackend(Backend delegate, String modelId) {
        this.delegate = delegate;
        this.modelId = modelId;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public List<Generation> generate(List<GenerationRequest> requests) {
        return delegate.generate(requests);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
