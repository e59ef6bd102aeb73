package dev.autoj.engine.conformance;

import dev.autoj.engine.Protocol;
import dev.autoj.engine.Scenario;

/**
 * One golden case as the checked judge answered it.
 *
 * @param id where the case comes from, e.g. {@code "pairwise line 70, swapped order"} (lines of the Auto-J testbed files)
 * @param protocol pairwise or single
 * @param scenario the testbed's scenario of the case
 * @param query the judged query
 * @param expected Auto-J-13B's published answer, e.g. {@code "Response 1"} or {@code "rating 5"}
 * @param got the judge's answer in the same words, or {@code "no verdict (<reason>)"}
 * @param withinTolerance whether the answer is close enough ({@link Tolerance}); exact for verdicts
 * @param exact whether the answer equals the published one
 */
public record CaseResult(String id, Protocol protocol, Scenario scenario, String query, String expected, String got,
                         boolean withinTolerance, boolean exact) {

    private static final int PREVIEW = 60;

    /** The query on one line, cut to 60 characters, for messages and tables. */
    public String queryPreview() {
        String oneLine = query.strip().replaceAll("\\s+", " ");
        return oneLine.length() > PREVIEW ? oneLine.substring(0, PREVIEW) + "…" : oneLine;
    }
}
