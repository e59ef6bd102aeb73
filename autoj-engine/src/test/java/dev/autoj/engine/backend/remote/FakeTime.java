package dev.autoj.engine.backend.remote;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Time that moves only when the backend sleeps or the test says so: cool-offs without waiting. */
final class FakeTime implements Ticker, Sleeper {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    /** Runs during the next sleep, e.g. to bring a server back while the backend waits for it. */
    volatile Runnable duringNextSleep;

    @Override
    public long nanos() {
        return nanos.get();
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        nanos.addAndGet(duration.toNanos());
        Runnable hook = duringNextSleep;
        duringNextSleep = null;
        if (hook != null) {
            hook.run();
        }
    }

    void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
