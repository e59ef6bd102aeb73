package dev.autoj.engine.store;

import dev.autoj.engine.internal.AutoJTestbed;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A second JVM that records into a store, for the multi-process tests. Arguments:
 * {@code overlap <store> <testbed> <startAtEpochMillis> <threads>} records every published single
 * judgment from each thread, in rotated orders; {@code endless <store> <testbed>} records new keys
 * until it is killed, printing {@code recording} once under way.
 */
public final class RecordingWorker {

    private RecordingWorker() {
    }

    public static void main(String[] args) throws Exception {
        JudgmentStore store = JudgmentStore.open(Path.of(args[1]));
        List<AutoJTestbed.SingleItem> items = AutoJTestbed.single(Path.of(args[2]));
        if (args[0].equals("overlap")) {
            overlap(store, items, Long.parseLong(args[3]), Integer.parseInt(args[4]), 17);
        } else {
            endless(store, items);
        }
    }

    /** {@code threads} threads each record all items, starting at different offsets, from {@code startAt} on. */
    static void overlap(JudgmentStore store, List<AutoJTestbed.SingleItem> items, long startAt, int threads, int stride)
            throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        for (int t = 0; t < threads; t++) {
            int offset = t * stride;
            Thread worker = new Thread(() -> {
                try {
                    while (System.currentTimeMillis() < startAt) {
                        Thread.onSpinWait();
                    }
                    for (int i = 0; i < items.size(); i++) {
                        store.record(PublishedJudgments.of(items.get((i + offset) % items.size()), 1024, at));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("recording failed in " + failures.size() + " threads");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    private static void endless(JudgmentStore store, List<AutoJTestbed.SingleItem> items) {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        for (int budget = 1; ; budget++) {
            for (AutoJTestbed.SingleItem item : items) {
                store.record(PublishedJudgments.of(item, budget, at));
            }
            if (budget == 1) {
                System.out.println("recording");
                System.out.flush();
            }
        }
    }
}
