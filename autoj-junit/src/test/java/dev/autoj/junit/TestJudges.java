package dev.autoj.junit;

import dev.autoj.assertions.fixtures.PublishedJudge;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The judge factory of the launched fixture classes: a {@link PublishedJudge}, which answers
 * only from Auto-J-13B's published outputs. Remembers every judge it built, so a test can check
 * how many were started and closed in one launch.
 */
final class TestJudges {

    private static final List<PublishedJudge> BUILT = new CopyOnWriteArrayList<>();

    private TestJudges() {
    }

    static PublishedJudge create(Settings settings) {
        PublishedJudge judge = new PublishedJudge();
        BUILT.add(judge);
        return judge;
    }

    static List<PublishedJudge> built() {
        return List.copyOf(BUILT);
    }

    static void reset() {
        BUILT.clear();
    }
}
