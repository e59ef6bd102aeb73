package dev.autoj.engine.backend;

import java.util.Objects;

/** {@link Backend#withModelId}: the same generations under another model id. */
record RenamedBackend(Backend delegate, String modelId) implements ForwardingBackend {

    RenamedBackend {
        Objects.requireNonNull(delegate, "delegate");
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("a model id must not be blank");
        }
    }
}
