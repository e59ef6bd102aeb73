package dev.autoj.assertions;

import org.assertj.core.api.AbstractSoftAssertions;

/**
 * Soft assertions with the Auto-J entry points: every failed expectation is collected and
 * reported together by {@link #assertAll()}. Works with AssertJ's {@code SoftAssertionsExtension}.
 *
 * <pre>{@code
 * AutoJSoftAssertions softly = new AutoJSoftAssertions();
 * softly.assertThatResponse(answer).forQuery(q).scoresAtLeast(7);
 * softly.assertThatResponse(answer).forQuery(q).isPreferredOver(baseline);
 * softly.assertAll();
 * }</pre>
 */
public class AutoJSoftAssertions extends AbstractSoftAssertions implements AutoJSoftAssertionsProvider {
}
