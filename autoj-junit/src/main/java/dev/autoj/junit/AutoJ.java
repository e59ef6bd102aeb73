package dev.autoj.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Judges this test class's assertions with Auto-J. One judge serves the whole test run: it is
 * built from the {@code autoj.*} configuration on first use, shared by every class, and closed
 * when the run ends; then the run summary is written to {@code target/autoj/}.
 *
 * <pre>{@code
 * @AutoJ
 * class SummaryPromptTest {
 *     @Test
 *     void newPromptBeatsTheOldOne() {
 *         assertThatResponse(newAnswer).forQuery(query).inScenario(Scenario.POST_SUMMARIZATION)
 *                 .isPreferredOver(oldAnswer);
 *     }
 *
 *     @Test
 *     void judgeCanBeInjected(Judge judge) {
 *         assertThat(judge.grade(query, newAnswer, Scenario.POST_SUMMARIZATION).rating()).isGreaterThan(5);
 *     }
 * }
 * }</pre>
 *
 * <p>Configuration ({@code junit-platform.properties}, {@code -D} or {@code AUTOJ_*}) is described
 * in docs/junit-extension.md, e.g. {@code autoj.mode=replay} and {@code autoj.store.dir=…} to judge
 * from recorded judgments without a GPU. An injected {@code Judge} belongs to the run: closing it
 * does nothing. Each judgment becomes an Allure step (critique, prompt and judgment attached)
 * when Allure is on the classpath, else a JUnit report entry.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(AutoJExtension.class)
public @interface AutoJ {
}
