package dev.autoj.engine.backend;

import java.util.List;
import java.util.Objects;

/** {@link Backend#withModelId}: the same generations under another model id. */
record RenamedBackend(Backend delegate, String modelId) implements Backend {

    RenamedBackend {
        Objects.requireNonNull(delegate, "delegate");
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("a model id must not be blank");
        }
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public List<Generation> generate(List<GenerationRequest> requests) {
        return delegate.generate(requests);
    }

    @Override
    public boolean samples() {
        return delegate.samples();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
