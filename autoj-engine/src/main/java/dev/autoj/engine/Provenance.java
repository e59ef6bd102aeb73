package dev.autoj.engine;

import java.util.Objects;

/**
 * Where a judgment's output comes from: a model run now on a named back end, a judgment replayed
 * from the store — itself recorded from a model run or imported from Auto-J's published testbed
 * outputs — or nothing at all: a prompt refused before it was sent (it cannot fit the context
 * window), whose no-verdict judgment no model wrote. Reports and summaries read this; nothing
 * parses a source string.
 *
 * <pre>{@code
 * Provenance p = judgment.provenance();
 * if (p.isReplay() && p.isPublished()) { ... }   // Auto-J-13B's own published output
 * p.describe();                                   // "replay:published:auto-j-testbed"
 * }</pre>
 *
 * @param kind live, replayed or not sent
 * @param backend the back end that generated the output (for a replay: the one that recorded it, or
 *     {@code "published"} for the testbed import; for a prompt not sent: the one it was meant for)
 * @param recorded for a replay, the source the store recorded ({@code "live:<backend>"} or
 *     {@code "published:auto-j-testbed"}); null for a live judgment
 * @param note what a reader should know about the source, e.g. that a published record is a verdict
 *     label without the judge's critique; null when there is nothing to say. A note is provenance, not a
 *     warning: reports show it beside the source.
 */
public record Provenance(Kind kind, String backend, String recorded, String note) {

    /** Live, from the store, or never sent. */
    public enum Kind {
        /** Generated now by {@link #backend()}. */
        LIVE,
        /** Answered from the judgment store. */
        REPLAYED,
        /** Refused before it reached {@link #backend()}: no model generated anything. */
        NOT_SENT
    }

    /** The store's source of the judgments imported from Auto-J's published testbed outputs. */
    public static final String PUBLISHED_TESTBED = "published:auto-j-testbed";

    public Provenance {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(backend, "backend");
        if ((kind == Kind.REPLAYED) != (recorded != null)) {
            throw new IllegalArgumentException("a replayed judgment, and only one, names what the store recorded");
        }
    }

    /** A provenance without a note. */
    public Provenance(Kind kind, String backend, String recorded) {
        this(kind, backend, recorded, null);
    }

    /** The same provenance with {@code text} as its note. */
    public Provenance withNote(String text) {
        return new Provenance(kind, backend, recorded, text);
    }

    /** A judgment generated now by {@code backend}. */
    public static Provenance live(String backend) {
        return new Provenance(Kind.LIVE, backend, null);
    }

    /** A prompt refused before it was sent to {@code backend}: its judgment has no model output. */
    public static Provenance notSent(String backend) {
        return new Provenance(Kind.NOT_SENT, backend, null);
    }

    /** A judgment answered from the store, which recorded it with {@code recordedSource}. */
    public static Provenance replayed(String recordedSource) {
        String backend = recordedSource.startsWith("live:") ? recordedSource.substring("live:".length())
                : recordedSource.split(":", 2)[0];
        return new Provenance(Kind.REPLAYED, backend, recordedSource);
    }

    /** Whether the store answered. */
    public boolean isReplay() {
        return kind == Kind.REPLAYED;
    }

    /** Whether the output is Auto-J-13B's own, imported from the published testbed outputs. */
    public boolean isPublished() {
        return recorded != null && recorded.startsWith("published:");
    }

    /** {@code "live:<backend>"}, {@code "replay:<recorded>"} or {@code "not-sent:<backend>"}, as reports and the store show it. */
    public String describe() {
        return switch (kind) {
            case LIVE -> "live:" + backend;
            case REPLAYED -> "replay:" + recorded;
            case NOT_SENT -> "not-sent:" + backend;
        };
    }
}
