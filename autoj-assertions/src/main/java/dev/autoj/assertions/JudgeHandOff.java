package dev.autoj.assertions;

import dev.autoj.engine.Judge;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one place where a test framework hands its judge to the assertions. The autoj JUnit
 * extension installs a {@link Session} when a run starts and removes it when the run ends;
 * assertions without {@code judgedBy(judge)} use that session's judge and report every judgment
 * back to it (for Allure steps and the run summary). This is the only static mutable state in
 * autoj; user code does not call it.
 *
 * <pre>{@code
 * JudgeHandOff.install(session);   // by the extension, once per run
 * try { ... } finally { JudgeHandOff.uninstall(session); }
 * }</pre>
 */
public final class JudgeHandOff {

    private static final AtomicReference<Session> CURRENT = new AtomicReference<>();

    private JudgeHandOff() {
    }

    /** What a running test framework offers the assertions. Implementations are thread-safe. */
    public interface Session {

        /** The shared judge, built on first call. */
        Judge judge();

        /** The configured default position policy, if any. */
        Optional<PositionPolicy> positionPolicy();

        /**
         * Whether an inconclusive set-level decision fails the test ({@code autoj.inconclusive=fail})
         * rather than aborting it; empty when not configured.
         */
        default Optional<Boolean> failWhenInconclusive() {
            return Optional.empty();
        }

        /** Called once per judgment an assertion made, on the assertion's thread, pass or fail. */
        void judged(JudgmentReport report);

        /**
         * Called once per set-level decision ({@code assertThatCandidates(..)}), on the assertion's
         * thread, after {@link #judged} for each of its cases and before the assertion passes,
         * fails or aborts. Sessions that do not report sets ignore it.
         */
        default void comparedSet(SetReport report) {
        }
    }

    /**
     * Makes {@code session} the current one.
     *
     * @throws IllegalStateException when another session is installed (two runs at once in one JVM)
     */
    public static void install(Session session) {
        if (!CURRENT.compareAndSet(null, session) && CURRENT.get() != session) {
            throw new IllegalStateException("Another autoj session is already installed in this JVM: two test runs "
                    + "with the autoj extension cannot overlap in one JVM. Run them one after the other, or pass the "
                    + "judge explicitly with judgedBy(judge).");
        }
    }

    /** Removes {@code session} if it is the current one. */
    public static void uninstall(Session session) {
        CURRENT.compareAndSet(session, null);
    }

    /** The installed session, if a test framework installed one. */
    public static Optional<Session> current() {
        return Optional.ofNullable(CURRENT.get());
    }
}
