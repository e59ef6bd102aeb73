package dev.autoj.assertions;

import dev.autoj.engine.Judge;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.SoftAssertionsProvider;

/**
 * What every Auto-J assertion shares, in AssertJ's self-typed style: the judge (the extension's, or
 * one given with {@link #judgedBy}) and the soft-assertion collector it reports into. A new
 * assertion extends this (or {@link AbstractQueryAssert} when it judges answers to one query) and
 * declares only its own expectations.
 *
 * <pre>{@code
 * assertThatCandidates(cases).judgedBy(myJudge).isPreferredOverBaseline();
 * }</pre>
 *
 * @param <SELF> the concrete assertion, returned by every fluent method
 * @param <ACTUAL> what is judged
 */
public abstract class AbstractJudgedAssert<SELF extends AbstractJudgedAssert<SELF, ACTUAL>, ACTUAL> extends AbstractAssert<SELF, ACTUAL> {

    /** The judge given with {@link #judgedBy}, or null for the extension's. */
    Judge judge;
    /** The soft-assertion collector, or null when failures are thrown at once. */
    SoftAssertionsProvider soft;

    protected AbstractJudgedAssert(ACTUAL actual, Class<?> selfType) {
        super(actual, selfType);
    }

    SELF collectingInto(SoftAssertionsProvider provider) {
        this.soft = provider;
        return myself;
    }

    /** Judges with {@code judge} instead of the one the autoj extension provides. */
    public SELF judgedBy(Judge judge) {
        this.judge = Objects.requireNonNull(judge, "judge");
        return myself;
    }
}
