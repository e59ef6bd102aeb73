package dev.autoj.engine.store;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.internal.PublishedOutputsBackend;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A second JVM that records into a store, for the multi-process tests. Arguments:
 * {@code overlap <store> <testbed> <threads>}: prints {@code ready}, waits for a line on standard
 * input, then each thread grades every single-response testbed item through a recording judge
 * (over Auto-J's published outputs), in rotated orders; {@code endless <store> <testbed>} records new keys until it is killed, printing
 * {@code recording} once under way.
 */
public final class RecordingWorker {

    private RecordingWorker() {
    }

    public static void main(String[] args) throws Exception {
        JudgmentStore store = JudgmentStore.open(Path.of(args[1]));
        List<AutoJTestbed.SingleItem> items = AutoJTestbed.single(Path.of(args[2]));
        if (args[0].equals("overlap")) {
            Judge judge = recordingJudge(store, Path.of(args[2]));
            System.out.println("ready");
            System.out.flush();
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)).readLine();
            overlap(judge, items, Integer.parseInt(args[3]), 17);
        } else {
            endless(store, items);
        }
    }

    static Judge recordingJudge(JudgmentStore store, Path testbed) {
        return Judges.builder().backend(new PublishedOutputsBackend(testbed)).store(store).mode(StoreMode.RECORD).build();
    }

    /** {@code threads} threads each grade all items, starting at different offsets; closes the judge. */
    static void overlap(Judge judge, List<AutoJTestbed.SingleItem> items, int threads, int stride) throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t * stride;
            Thread worker = new Thread(() -> {
                try {
                    for (int i = 0; i < items.size(); i++) {
                        AutoJTestbed.SingleItem item = items.get((i + offset) % items.size());
                        Judgment j = judge.grade(item.query(), item.response(), item.scenario());
                        if (!j.rawOutput().equals(item.output())) {
                            throw new AssertionError("item " + item.index() + " came back with another output");
                        }
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
        judge.close();
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
