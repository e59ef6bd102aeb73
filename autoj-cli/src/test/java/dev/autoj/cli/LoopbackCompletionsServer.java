package dev.autoj.cli;

import dev.autoj.engine.testing.LoopbackCompletions;
import dev.autoj.engine.testing.LoopbackCompletions.Answer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 (ephemeral port) speaking vLLM's {@code /v1/completions} format
 * (the engine test-jar's {@link LoopbackCompletions}). It answers each prompt with the text the given
 * map holds for exactly that prompt, and an HTTP 400 naming the prompt otherwise; it generates
 * nothing itself. Records every request body it answered.
 */
final class LoopbackCompletionsServer implements AutoCloseable {

    private final LoopbackCompletions server;
    private final Map<String, String> answers;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile long delayMillis;
    private volatile int failEvery;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();

    LoopbackCompletionsServer(Map<String, String> answers) throws IOException {
        this.answers = answers;
        server = LoopbackCompletions.start(this::answer);
    }

    String url() {
        return server.url();
    }

    List<String> bodies() {
        return List.copyOf(bodies);
    }

    /** Answers every {@code n}-th completion call with HTTP 503, as a busy vLLM does (its queue is full). */
    LoopbackCompletionsServer busyEvery(int n) {
        failEvery = n;
        return this;
    }

    /** How many completion calls were answered 503 by {@link #busyEvery}. */
    int busyAnswers() {
        return failures.get();
    }

    /** Makes every later answer take this long, like a server that is busy generating. */
    void delayEachAnswer(long millis) {
        delayMillis = millis;
    }

    private Answer answer(String body) {
        int n = failEvery;
        if (n > 0 && calls.incrementAndGet() % n == 0) {
            failures.incrementAndGet();
            return Answer.error(503, "The server is busy; try again later.");
        }
        bodies.add(body);
        String prompt = LoopbackCompletions.json(body).path("prompt").asText();
        String text = answers.get(prompt);
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return text == null ? Answer.error(400, "no answer for the prompt starting " + prompt.substring(0, Math.min(60, prompt.length())))
                : Answer.text(text);
    }

    @Override
    public void close() {
        server.close();
    }
}
