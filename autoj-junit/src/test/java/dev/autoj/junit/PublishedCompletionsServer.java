package dev.autoj.junit;

import dev.autoj.assertions.fixtures.Testbed;
import dev.autoj.engine.Language;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.testing.LoopbackCompletions;
import dev.autoj.engine.testing.LoopbackCompletions.Answer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A completions server on 127.0.0.1 that speaks the vLLM {@code /v1/completions} format and
 * answers a single-response prompt of the Auto-J testbed with Auto-J-13B's published output for
 * exactly that prompt. Any other prompt gets HTTP 400: it invents nothing.
 */
final class PublishedCompletionsServer implements AutoCloseable {

    private final LoopbackCompletions server;
    private final Map<String, String> outputs = new HashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    PublishedCompletionsServer() throws IOException {
        for (Testbed.SingleItem item : Testbed.singles()) {
            outputs.put(PromptBuilder.single(Language.EN, item.query(), item.response()).text(), item.publishedOutput());
        }
        server = LoopbackCompletions.start(this::complete);
    }

    String endpoint() {
        return server.url();
    }

    int requests() {
        return requests.get();
    }

    private Answer complete(String body) {
        requests.incrementAndGet();
        String output = outputs.get(LoopbackCompletions.json(body).path("prompt").asText());
        return output == null ? Answer.error(400, "no published Auto-J output for this prompt") : Answer.text(output);
    }

    @Override
    public void close() {
        server.close();
    }
}
