package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.autoj.assertions.AutoJSoftAssertions;
import dev.autoj.assertions.fixtures.PublishedJudge;
import dev.autoj.assertions.fixtures.Testbed;
import dev.autoj.assertions.fixtures.Testbed.PairwiseItem;
import dev.autoj.assertions.fixtures.Testbed.SingleItem;
import dev.autoj.engine.Judge;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.junit.jupiter.InjectSoftAssertions;
import org.assertj.core.api.junit.jupiter.SoftAssertionsExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Events;

/**
 * Real Jupiter launches of small fixture classes whose assertions are judged from Auto-J-13B's
 * published outputs (testbed items by 0-based line: pairwise 69 = response 1 wins in both
 * orders, 318 = tie in both orders; single 128 rated 7, 122 rated 1, 185 no rating at all).
 */
class AutoJExtensionTest {

    @TempDir
    Path summaryDir;

    @BeforeEach
    void needsTheTestbed() {
        Testbed.single(0);
        TestJudges.reset();
    }

    @ExtendWith(OnlyInTestKit.class)
    static class Outcomes {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(TestJudges::create);

        @Test
        void preferredPasses() {
            PairwiseItem item = Testbed.pair(69);
            assertThatResponse(item.response1()).forQuery(item.query()).inScenario(item.scenario()).isPreferredOver(item.response2());
        }

        @Test
        void preferredFails() {
            PairwiseItem item = Testbed.pair(69);
            assertThatResponse(item.response2()).forQuery(item.query()).inScenario(item.scenario()).isPreferredOver(item.response1());
        }

        @Test
        void atLeastAsGoodPassesOnATie() {
            PairwiseItem item = Testbed.pair(318);
            assertThatResponse(item.response1()).forQuery(item.query()).isAtLeastAsGoodAs(item.response2());
        }

        @Test
        void atLeastAsGoodFails() {
            PairwiseItem item = Testbed.pair(69);
            assertThatResponse(item.response2()).forQuery(item.query()).isAtLeastAsGoodAs(item.response1());
        }

        @Test
        void scoresAtLeastPasses() {
            SingleItem item = Testbed.single(128);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(7);
        }

        @Test
        void scoresAtLeastFails() {
            SingleItem item = Testbed.single(122);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(7);
        }

        @Test
        void scoresBetweenPasses() {
            SingleItem item = Testbed.single(128);
            assertThatResponse(item.response()).forQuery(item.query()).scoresBetween(6, 9);
        }

        @Test
        void scoresBetweenFails() {
            SingleItem item = Testbed.single(122);
            assertThatResponse(item.response()).forQuery(item.query()).scoresBetween(6, 9);
        }

        @Test
        void noVerdictFails() {
            SingleItem item = Testbed.single(185);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(1);
        }
    }

    @Test
    void passingAndFailingAssertionsReachJUnitWithTheirMessages() {
        EngineExecutionResults results = Launches.launch(summaryDir, Map.of(), Outcomes.class);
        Events tests = results.testEvents();
        tests.assertStatistics(s -> s.started(9).succeeded(4).failed(5));
        tests.succeeded().assertEventsMatchLoosely(test("preferredPasses"), test("atLeastAsGoodPassesOnATie"),
                test("scoresAtLeastPasses"), test("scoresBetweenPasses"));
        tests.failed().assertEventsMatchLoosely(
                event(test("preferredFails"), finishedWithFailure(instanceOf(AssertionError.class),
                        message(m -> m.contains("to be preferred over the baseline:")
                                && m.contains("original order (tested response first): Response 2 (the baseline)")
                                && m.contains("scenario: language_polishing")))),
                event(test("atLeastAsGoodFails"), finishedWithFailure(message(m -> m.contains("at least as good as (a tie passes)")))),
                event(test("scoresAtLeastFails"), finishedWithFailure(message(m -> m.contains("but the judge rated it: 1")
                        && m.contains("scenario: writing_song_lyrics")))),
                event(test("scoresBetweenFails"), finishedWithFailure(message(m -> m.contains("to score between 6 and 9")))),
                event(test("noVerdictFails"), finishedWithFailure(message(m -> m.contains("but the judge gave no verdict:")
                        && m.contains("A no-verdict is never a pass")))));
        assertThat(TestJudges.built()).hasSize(1);
        assertThat(TestJudges.built().get(0).closes()).isEqualTo(1);
    }

    @ExtendWith(OnlyInTestKit.class)
    static class FirstClass {
        static final Set<Judge> INJECTED = ConcurrentHashMap.newKeySet();

        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(TestJudges::create);

        @Test
        void grades(Judge judge) {
            INJECTED.add(judge);
            SingleItem item = Testbed.single(128);
            assertThatResponse(item.response()).forQuery(item.query()).scoresAtLeast(7);
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    static class SecondClass {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(TestJudges::create);

        @Test
        void compares(Judge judge) {
            FirstClass.INJECTED.add(judge);
            PairwiseItem item = Testbed.pair(69);
            assertThatResponse(item.response1()).forQuery(item.query()).isPreferredOver(item.response2());
        }
    }

    @Test
    void twoClassesInOneLaunchShareOneJudgeStartedOnceAndClosedOnce() {
        FirstClass.INJECTED.clear();
        EngineExecutionResults results = Launches.launch(summaryDir, Map.of(), FirstClass.class, SecondClass.class);
        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(TestJudges.built()).hasSize(1);
        PublishedJudge judge = TestJudges.built().get(0);
        assertThat(judge.closes()).isEqualTo(1);
        assertThat(judge.batches()).isEqualTo(2);
        assertThat(FirstClass.INJECTED).hasSize(1);
    }

    @ExtendWith(OnlyInTestKit.class)
    static class Concurrent {
        static final Set<String> THREADS = ConcurrentHashMap.newKeySet();
        static final CyclicBarrier ALL_STARTED = new CyclicBarrier(4);

        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(TestJudges::create);

        static void judgeTogether(Runnable assertion) throws Exception {
            THREADS.add(Thread.currentThread().getName());
            // All four tests are inside their test method at once before any of them judges.
            ALL_STARTED.await(30, TimeUnit.SECONDS);
            assertion.run();
        }

        @Test
        void one() throws Exception {
            SingleItem item = Testbed.single(128);
            judgeTogether(() -> assertThatResponse(item.response()).forQuery(item.query()).scoresAtLeast(7));
        }

        @Test
        void two() throws Exception {
            SingleItem item = Testbed.single(181);
            judgeTogether(() -> assertThatResponse(item.response()).forQuery(item.query()).scoresAtLeast(7));
        }

        @Test
        void three() throws Exception {
            PairwiseItem item = Testbed.pair(69);
            judgeTogether(() -> assertThatResponse(item.response1()).forQuery(item.query()).isPreferredOver(item.response2()));
        }

        @Test
        void four() throws Exception {
            PairwiseItem item = Testbed.pair(318);
            judgeTogether(() -> assertThatResponse(item.response1()).forQuery(item.query()).isAtLeastAsGoodAs(item.response2()));
        }
    }

    @Test
    void parallelTestsShareTheJudgeAndAllGetTheirOwnVerdicts() {
        Concurrent.THREADS.clear();
        Concurrent.ALL_STARTED.reset();
        EngineExecutionResults results = Launches.launch(summaryDir, Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"), Concurrent.class);
        results.testEvents().assertStatistics(s -> s.started(4).succeeded(4));
        assertThat(Concurrent.THREADS).hasSize(4);
        assertThat(TestJudges.built()).hasSize(1);
        PublishedJudge judge = TestJudges.built().get(0);
        assertThat(judge.closes()).isEqualTo(1);
        // Four requests arrived together; the shared judge passes them on in at most four batches.
        assertThat(judge.batches()).isBetween(1, 4);
    }

    @ExtendWith(OnlyInTestKit.class)
    static class NeverJudges {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(TestJudges::create);

        @Test
        void plainTest() {
            assertThat(1 + 1).isEqualTo(2);
        }
    }

    @Test
    void aRunWhoseTestsNeverJudgeBuildsNoJudgeButStillWritesTheSummary() {
        Launches.launch(summaryDir, Map.of(), NeverJudges.class).testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(TestJudges.built()).isEmpty();
        assertThat(summaryDir.resolve("summary.md")).content().contains("1 test: 1 passed, 0 failed · 0 judgments");
    }

    @AutoJ
    @ExtendWith(OnlyInTestKit.class)
    static class ConfiguredA {
        @Test
        void anything() {
        }
    }

    @AutoJ
    @ExtendWith(OnlyInTestKit.class)
    static class ConfiguredB {
        @Test
        void anything() {
        }
    }

    @Test
    void invalidKeyFailsEveryTestOfEveryClassNamingTheKeyAndTheAcceptedValues() {
        EngineExecutionResults results = Launches.launch(summaryDir, Map.of("autoj.mode", "replai"),
                ConfiguredA.class, ConfiguredB.class);
        results.containerEvents().assertStatistics(s -> s.failed(0).aborted(0));
        // No class reports zero tests: each of its tests fails with the same reason.
        results.testEvents().assertStatistics(s -> s.started(2).failed(2));
        results.testEvents().failed().assertEventsMatchExactly(
                finishedWithFailure(message("Invalid autoj configuration: autoj.mode = \"replai\". Accepted values: live, record, replay.")),
                finishedWithFailure(message("Invalid autoj configuration: autoj.mode = \"replai\". Accepted values: live, record, replay.")));
    }

    @Test
    void missingEndpointsForALiveRemoteJudgeNameTheKeyAndTheFix() {
        EngineExecutionResults results = Launches.launch(summaryDir, Map.of("autoj.mode", "live"), ConfiguredA.class);
        results.testEvents().failed().assertEventsMatchExactly(finishedWithFailure(message(m ->
                m.contains("autoj.endpoints (or AUTOJ_ENDPOINTS) is required for a remote judge in mode live")
                        && m.contains("autoj.mode=replay"))));
    }

    @ExtendWith({OnlyInTestKit.class, SoftAssertionsExtension.class})
    static class Soft {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(TestJudges::create);

        @InjectSoftAssertions
        AutoJSoftAssertions softly;

        @Test
        void collectsBothFailures() {
            SingleItem low = Testbed.single(122);
            PairwiseItem pair = Testbed.pair(69);
            softly.assertThatResponse(low.response()).forQuery(low.query()).scoresAtLeast(7);
            softly.assertThatResponse(pair.response1()).forQuery(pair.query()).isPreferredOver(pair.response2());
            softly.assertThatResponse(pair.response2()).forQuery(pair.query()).isPreferredOver(pair.response1());
        }
    }

    @Test
    void softAssertionsExtensionReportsEveryFailedExpectationOfATest() {
        EngineExecutionResults results = Launches.launch(summaryDir, Map.of(), Soft.class);
        results.testEvents().assertStatistics(s -> s.failed(1));
        results.testEvents().failed().assertEventsMatchExactly(finishedWithFailure(message(m ->
                m.contains("Multiple Failures (2 failures)") && m.contains("but the judge rated it: 1")
                        && m.contains("to be preferred over the baseline:"))));
    }

    @ExtendWith(OnlyInTestKit.class)
    static class ReportEntries {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(TestJudges::create);

        @Test
        void grades() {
            SingleItem item = Testbed.single(128);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(7);
        }
    }

    @Test
    void withoutAllureEachJudgmentBecomesAReportEntryWithTheRealCritique() {
        EngineExecutionResults results = Launches.launch(summaryDir, Map.of("autoj.report", "junit"), ReportEntries.class);
        results.testEvents().assertStatistics(s -> s.succeeded(1).reportingEntryPublished(1));
        var entry = results.testEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(org.junit.platform.engine.reporting.ReportEntry.class))
                .findFirst().orElseThrow().getKeyValuePairs();
        SingleItem item = Testbed.single(128);
        assertThat(entry).containsEntry("autoj.critique", item.publishedOutput().strip())
                .containsEntry("autoj.scenario", "text_to_text_translation")
                .containsEntry("autoj.scenario-group", "NLP Tasks")
                .containsEntry("autoj.passed", "true")
                .containsEntry("autoj.step", "Auto-J scoresAtLeast: rating 7 — passed");
        assertThat(entry.get("autoj.prompt")).startsWith("[INST] ").contains(item.response());
        assertThat(entry.get("autoj.judgment")).contains("\"source\" : \"replay:published:auto-j-testbed\"");
    }

    /** A judge that counts the prompts each batch method would send: two per pair for both orders, one for a given order. */
    static final class PromptCountingJudge implements Judge {
        static final java.util.concurrent.atomic.AtomicInteger BOTH_ORDER_PROMPTS = new java.util.concurrent.atomic.AtomicInteger();
        static final java.util.concurrent.atomic.AtomicInteger GIVEN_ORDER_PROMPTS = new java.util.concurrent.atomic.AtomicInteger();
        private final PublishedJudge published = new PublishedJudge();

        @Override
        public java.util.List<dev.autoj.engine.Comparison> compareAll(java.util.List<CompareRequest> requests) {
            BOTH_ORDER_PROMPTS.addAndGet(2 * requests.size());
            return published.compareAll(requests);
        }

        @Override
        public java.util.List<dev.autoj.engine.Judgment> compareInGivenOrderAll(java.util.List<CompareRequest> requests) {
            GIVEN_ORDER_PROMPTS.addAndGet(requests.size());
            return published.compareAll(requests).stream().map(dev.autoj.engine.Comparison::original).toList();
        }

        @Override
        public java.util.List<dev.autoj.engine.Judgment> gradeAll(java.util.List<GradeRequest> requests) {
            return published.gradeAll(requests);
        }

        @Override
        public java.util.List<dev.autoj.engine.Classification> classifyAll(java.util.List<String> queries) {
            return published.classifyAll(queries);
        }

        @Override
        public boolean hasClassifier() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    static class GivenOrder {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(settings -> new PromptCountingJudge());

        @Test
        void judgesOneOrder(Judge judge) {
            PairwiseItem item = Testbed.pair(69);
            java.util.List<dev.autoj.engine.Judgment> judged = judge.compareInGivenOrderAll(java.util.List.of(
                    new Judge.CompareRequest(item.query(), item.response1(), item.response2(), item.scenario())));
            assertThat(judged).hasSize(1);
        }
    }

    @Test
    void theInjectedJudgeSendsOnePromptPerPairForCompareInGivenOrderAll() {
        PromptCountingJudge.BOTH_ORDER_PROMPTS.set(0);
        PromptCountingJudge.GIVEN_ORDER_PROMPTS.set(0);
        EngineExecutionResults results = Launches.launch(summaryDir, Map.of(), GivenOrder.class);
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(PromptCountingJudge.GIVEN_ORDER_PROMPTS).hasValue(1);
        assertThat(PromptCountingJudge.BOTH_ORDER_PROMPTS).as("prompts sent for both orders").hasValue(0);
    }
}
