package dev.autoj.onnx.internal.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.autoj.engine.backend.BackendException;

/**
 * The process's ONNX Runtime environment, created once with one intra-op thread pool that every
 * session of the engine shares, and the session options that use it.
 *
 * <p>Why: a session made with default options gets an intra-op pool of its own, sized by ONNX
 * Runtime's count of physical cores; on this project's 2-vCPU machines that count was one, so
 * every session ran on one thread ({@link #threads()}), and a 4-bit CPU decoder, which runs as up
 * to 16 sessions one after another for every token, would hold a pool per part. Here the pool has
 * one thread per processor the JVM may use and every session shares it.
 * {@code -Dautoj.onnx.sharedThreads=false} gives each session a pool of its own of the same size
 * (to compare). When something else in the process created the environment first, its thread
 * settings cannot be changed: sessions then get pools of their own, said once at DEBUG.
 *
 * <pre>{@code
 * OrtEnvironment env = OrtRuntime.environment();
 * try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions()) {
 *     OrtSession session = env.createSession(modelBytes, options);
 * }
 * }</pre>
 */
public final class OrtRuntime {

    /** System property: {@code false} gives every session a thread pool of its own. */
    public static final String SHARED_THREADS_PROPERTY = "autoj.onnx.sharedThreads";

    private static final System.Logger LOG = System.getLogger(OrtRuntime.class.getName());

    private static OrtEnvironment environment;
    private static boolean shared;

    private OrtRuntime() {
    }

    /** The environment, created on first use; with the shared pool unless switched off or created elsewhere first. */
    public static synchronized OrtEnvironment environment() {
        if (environment == null) {
            if (switchProperty(SHARED_THREADS_PROPERTY)) {
                try (OrtEnvironment.ThreadingOptions threads = new OrtEnvironment.ThreadingOptions()) {
                    threads.setGlobalIntraOpNumThreads(threads());
                    threads.setGlobalInterOpNumThreads(1);
                    environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                            "autoj", threads);
                    shared = true;
                } catch (IllegalStateException e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "ONNX Runtime's environment existed before the engine's: "
                            + "its sessions keep a thread pool each (" + e.getMessage() + ")");
                } catch (OrtException e) {
                    throw new BackendException("ONNX Runtime could not set up its thread pool: " + e.getMessage()
                            + " (-D" + SHARED_THREADS_PROPERTY + "=false gives each session its own)", e);
                }
            }
            if (environment == null) {
                environment = OrtEnvironment.getEnvironment();
            }
        }
        return environment;
    }

    /**
     * Threads of the pool: the processors this JVM may use ({@link Runtime#availableProcessors()},
     * which follows the container's CPU limit). Not ONNX Runtime's default (0), which counts
     * physical cores through its own CPU detection: on this project's 2-vCPU machines it found
     * one, so every session ran on one thread (measured: opening sessions with the default
     * started no thread at all, with 2 one each).
     */
    static int threads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Whether the sessions share the environment's thread pool (after {@link #environment()}). */
    public static synchronized boolean sharedThreads() {
        environment();
        return shared;
    }

    /**
     * New session options: on the shared pool when there is one, else on a pool of their own of
     * {@link #threads()} threads. The caller closes them.
     */
    public static OrtSession.SessionOptions sessionOptions() throws OrtException {
        boolean useShared = sharedThreads();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            if (useShared) {
                options.disablePerSessionThreads();
            } else {
                options.setIntraOpNumThreads(threads());
            }
        } catch (OrtException e) {
            options.close();
            throw e;
        }
        return options;
    }

    /**
     * An on/off system property of the engine that is on unless set: {@code true} or {@code false}
     * (any case), anything else refused with the property's name, so a typo is never read as off.
     */
    public static boolean switchProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.strip().equalsIgnoreCase("true")) {
            return true;
        }
        if (value.strip().equalsIgnoreCase("false")) {
            return false;
        }
        throw new BackendException("System property " + name + "=" + value + " is neither true nor false.");
    }
}
