package dev.autoj.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Runs a {@code @ParameterizedTest} once per case of a paired-case file (JSON Lines, JSON array or
 * CSV, read by {@link dev.autoj.assertions.PairedCases}), with one
 * {@link dev.autoj.assertions.PairedCase} argument named by the case's id, else by the start of
 * its query.
 *
 * <pre>{@code
 * @ParameterizedTest
 * @PairedCasesSource("classpath:prompts/cases.jsonl")
 * void newAnswerIsAtLeastAsGoodAsTheCurrentOne(PairedCase c) {
 *     assertThatResponse(c.candidate()).forQuery(c.query()).isAtLeastAsGoodAs(c.baseline());
 * }
 * }</pre>
 *
 * <p>A file's error (missing field, unknown field, repeated id) fails the test with the file,
 * line and field named, before any case runs.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ArgumentsSource(PairedCasesArgumentsProvider.class)
public @interface PairedCasesSource {

    /**
     * The case file: {@code classpath:cases/x.jsonl} for a class-path resource, else a file path
     * (relative to the working directory, the module folder under Maven).
     */
    String value();
}
