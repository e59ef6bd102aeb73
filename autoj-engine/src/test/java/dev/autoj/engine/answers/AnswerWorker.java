package dev.autoj.engine.answers;

import dev.autoj.engine.store.StoreMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A second JVM recording answers into a store, for the two-process test: {@code <store> <calls file> <requests> <threads>}.
 * Prints {@code ready}, waits for a line on standard input, then its threads ask for every request; each model
 * call appends one line to the calls file; prints each answer as {@code <i>=<text>}.
 */
public final class AnswerWorker {

    private AnswerWorker() {
    }

    public static void main(String[] args) throws Exception {
        Recorder recorder = Recorder.using(StoreMode.RECORD, Path.of(args[0]));
        Path calls = Path.of(args[1]);
        int requests = Integer.parseInt(args[2]);
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        List<String> answers = run(recorder, calls, requests, Integer.parseInt(args[3]), "worker");
        answers.forEach(System.out::println);
    }

    /** {@code threads} threads each ask for every request; returns {@code <i>=<text>} for the first thread's answers. */
    static List<String> run(Recorder recorder, Path calls, int requests, int threads, String who) throws InterruptedException {
        List<String> first = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                try {
                    for (int i = 0; i < requests; i++) {
                        int n = (i + thread * 3) % requests;
                        String text = recorder.answer("sampling-model", "question " + n, () -> {
                            String answer = "answer to " + n + " from " + who + " " + System.nanoTime();
                            try {
                                Files.writeString(calls, n + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            return answer;
                        });
                        if (thread == 0) {
                            first.add(n + "=" + text);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("a recording thread failed", failures.get(0));
        }
        return first;
    }
}
