package dev.autoj.engine.answers;

import dev.autoj.engine.internal.Components;
import java.time.Instant;

/**
 * An answer of the model under test together with where it came from, as a test and the reports see it.
 *
 * <pre>{@code
 * RecordedAnswer a = recorder.answer(request, "my-client", r -> Answer.of(client.complete(r)));
 * a.answer().text();    // the text to judge
 * a.describe();         // "replayed: recorded 2026-12-06T18:01:02Z from live:my-client (key 3fa4…)"
 * }</pre>
 *
 * @param key the store key of the request (also for a live answer, which is not stored)
 * @param request the request
 * @param answer the answer
 * @param source what produced it: {@code live:<client>} for a model call, {@code published:auto-j-testbed}
 *     for the testbed's responses imported as answers
 * @param recordedAt when the model answered
 * @param served how this call got it: called now and not stored, called now and stored, or read from the store
 */
public record RecordedAnswer(String key, AnswerRequest request, Answer answer, String source, Instant recordedAt, Served served) {

    /** How a call got its answer. */
    public enum Served {
        /** The model was called now; nothing was stored ({@code live} mode). */
        LIVE,
        /** The model was called now and the answer stored ({@code record} mode, first time). */
        RECORDED,
        /** Read from the store; the model was not called. */
        REPLAYED
    }

    public RecordedAnswer {
        Components.requireNonNull("key request answer source recordedAt served",
                key, request, answer, source, recordedAt, served);
    }

    /** The same answer, as served by another call. */
    public RecordedAnswer servedAs(Served how) {
        return new RecordedAnswer(key, request, answer, source, recordedAt, how);
    }

    /** One line for reports, e.g. {@code replayed answer of gpt-4o-mini, recorded 2026-12-06T18:01:02Z from live:openai (key 3fa4c1d2)}. */
    public String describe() {
        String how = switch (served) {
            case LIVE -> "live answer";
            case RECORDED -> "answer recorded now";
            case REPLAYED -> "replayed answer";
        };
        return how + " of " + request.model() + ", recorded " + recordedAt + " from " + source + " (key " + key.substring(0, 8) + ")";
    }
}
