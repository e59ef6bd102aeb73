package dev.autoj.engine.backend;

import java.util.List;

/**
 * A back end that hands every call to another and overrides only what it changes, so that a
 * wrapper cannot forget a method (and silently change what the wrapped back end does).
 *
 * <pre>{@code
 * record Unclosed(Backend delegate) implements ForwardingBackend {
 *     public void close() {
 *         // the owner closes the delegate
 *     }
 * }
 * }</pre>
 */
public interface ForwardingBackend extends Backend {

    /** The back end every call goes to. */
    Backend delegate();

    @Override
    default String name() {
        return delegate().name();
    }

    @Override
    default String modelId() {
        return delegate().modelId();
    }

    @Override
    default List<Generation> generate(List<GenerationRequest> requests) {
        return delegate().generate(requests);
    }

    @Override
    default boolean samples() {
        return delegate().samples();
    }

    @Override
    default void close() {
        delegate().close();
    }
}
