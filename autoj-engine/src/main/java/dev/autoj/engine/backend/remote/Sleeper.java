package dev.autoj.engine.backend.remote;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits between retries; tests substitute one that records the waits instead of sleeping. */
@FunctionalInterface
interface Sleeper {

    Sleeper THREAD_SLEEP = duration -> TimeUnit.NANOSECONDS.sleep(duration.toNanos());

    void sleep(Duration duration) throws InterruptedException;
}
