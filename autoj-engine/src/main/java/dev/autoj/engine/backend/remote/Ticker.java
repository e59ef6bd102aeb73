package dev.autoj.engine.backend.remote;

/**
 * Monotonic time in nanoseconds for cool-offs and deadlines; tests substitute one that only moves
 * when their {@link Sleeper} sleeps, so that health decisions do not depend on how loaded the machine is.
 */
@FunctionalInterface
interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
