package dev.autoj.assertions;

import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import java.util.Objects;

/**
 * An assertion on answers to one query: the query, the scenario and the protocol language,
 * declared once for {@link ResponseAssert} and {@link ResponsesAssert} (the rubric and reference answer
 * come from {@link AbstractCriteriaAssert}).
 *
 * <pre>{@code
 * assertThatResponse(answer).forQuery(q).inScenario(Scenario.CODE_GENERATION).inLanguage(Language.EN).scoresAtLeast(7);
 * }</pre>
 *
 * @param <SELF> the concrete assertion, returned by every fluent method
 * @param <ACTUAL> what is judged
 */
public abstract class AbstractQueryAssert<SELF extends AbstractQueryAssert<SELF, ACTUAL>, ACTUAL> extends AbstractCriteriaAssert<SELF, ACTUAL> {

    String query;
    Scenario scenario;
    Language language = Language.EN;

    protected AbstractQueryAssert(ACTUAL actual, Class<?> selfType) {
        super(actual, selfType);
    }

    /** The user query the answers answer (required). */
    public SELF forQuery(String query) {
        this.query = Objects.requireNonNull(query, "query");
        return myself;
    }

    /** The scenario to judge in; without it the classifier decides when configured, else {@link Scenario#DEFAULT}. */
    public SELF inScenario(Scenario scenario) {
        this.scenario = Objects.requireNonNull(scenario, "scenario");
        return myself;
    }

    /** The protocol language; {@link Language#ZH} selects Auto-J's Chinese templates. Default {@link Language#EN}. */
    public SELF inLanguage(Language language) {
        this.language = Objects.requireNonNull(language, "language");
        return myself;
    }
}
