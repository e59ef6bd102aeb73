package dev.autoj.engine.store;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Which store entries a run used, so that its summary can list them and {@code autoj store prune}
 * can keep exactly what some run read. A test framework installs one {@link Listener} per run (the
 * autoj JUnit extension does); the judgment store and the answer recorder report every key they
 * served or wrote. Outside a run nothing is reported. User code does not call it.
 *
 * <pre>{@code
 * StoreUse.install(listener);        // by the extension, once per run
 * try { ... } finally { StoreUse.uninstall(listener); }
 * }</pre>
 */
public final class StoreUse {

    private static final AtomicReference<Listener> CURRENT = new AtomicReference<>();

    private StoreUse() {
    }

    /** Told of every store key a run read or wrote; implementations are thread-safe. */
    public interface Listener {
        /** A judgment with {@code key} was replayed from, or recorded into, a judgment store. */
        void judgmentUsed(String key);

        /** An answer with {@code key} was replayed from, or recorded into, an answer store. */
        void answerUsed(String key);
    }

    /** Makes {@code listener} the current one (the last installed wins; a run installs one). */
    public static void install(Listener listener) {
        CURRENT.set(listener);
    }

    /** Removes {@code listener} if it is the current one. */
    public static void uninstall(Listener listener) {
        CURRENT.compareAndSet(listener, null);
    }

    static void judgmentUsed(String key) {
        Listener listener = CURRENT.get();
        if (listener != null) {
            listener.judgmentUsed(key);
        }
    }

    /** Called by the answer store. */
    public static void answerUsed(String key) {
        Listener listener = CURRENT.get();
        if (listener != null) {
            listener.answerUsed(key);
        }
    }
}
