package dev.autoj.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.displayName;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.autoj.assertions.PairedCase;
import dev.autoj.assertions.PairedCases;
import dev.autoj.engine.Scenario;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** {@code @PairedCasesSource} in a real Jupiter launch: one invocation per case, named by id or query start. */
class PairedCasesSourceTest {

    static final List<PairedCase> RECEIVED = new CopyOnWriteArrayList<>();

    @ExtendWith(OnlyInTestKit.class)
    static class FromTheClassPath {
        @ParameterizedTest
        @PairedCasesSource("classpath:cases/two-cases.jsonl")
        void eachCase(PairedCase c) {
            RECEIVED.add(c);
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    static class FromAFile {
        @ParameterizedTest
        @PairedCasesSource("src/test/resources/cases/two-cases.jsonl")
        void eachCase(PairedCase c) {
            RECEIVED.add(c);
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    static class Broken {
        @ParameterizedTest
        @PairedCasesSource("classpath:cases/missing-baseline.jsonl")
        void eachCase(PairedCase c) {
            RECEIVED.add(c);
        }
    }

    @Test
    void eachCaseOfTheFileIsOneInvocationNamedByItsIdOrItsQueryStart() {
        RECEIVED.clear();
        EngineExecutionResults results = launch(FromTheClassPath.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(RECEIVED).isEqualTo(PairedCases.fromClasspath("cases/two-cases.jsonl"));
        assertThat(RECEIVED.get(0).scenario()).isEqualTo(Scenario.POST_SUMMARIZATION);
        results.testEvents().started().assertThatEvents()
                .haveExactly(1, event(test(), displayName("[1] refund-policy")))
                .haveExactly(1, event(test(), displayName("[2] Translate 'good morning' into French and say when the phrase…")));
    }

    @Test
    void aPathWithoutClasspathPrefixIsReadAsAFile() {
        RECEIVED.clear();
        launch(FromAFile.class).testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(RECEIVED).extracting(PairedCase::candidate)
                .containsExactly("You can return any item within 30 days for a full refund.",
                        "Bonjour: used until the evening, formal and informal.");
    }

    @Test
    void aBrokenCaseFileFailsTheTestNamingFileLineAndField() {
        RECEIVED.clear();
        EngineExecutionResults results = launch(Broken.class);

        assertThat(RECEIVED).isEmpty();
        results.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(
                message(m -> m.contains("missing-baseline.jsonl line 2: missing field \"baseline\"")))));
    }

    private static EngineExecutionResults launch(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(OnlyInTestKit.PARAMETER, "true")
                .selectors(selectClass(fixture))
                .execute();
    }
}
