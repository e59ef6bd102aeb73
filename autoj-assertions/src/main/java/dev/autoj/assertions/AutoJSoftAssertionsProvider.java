package dev.autoj.assertions;

import java.util.List;
import org.assertj.core.api.SoftAssertionsProvider;

/**
 * Mix-in that adds the Auto-J entry points to any AssertJ soft-assertions class, so judged
 * expectations are collected instead of thrown.
 *
 * <pre>{@code
 * class MySoftAssertions extends SoftAssertions implements AutoJSoftAssertionsProvider {}
 * }</pre>
 */
public interface AutoJSoftAssertionsProvider extends SoftAssertionsProvider {

    /** Soft variant of {@link AutoJAssertions#assertThatResponse(String)}. */
    default ResponseAssert assertThatResponse(String response) {
        return proxy(ResponseAssert.class, String.class, response).collectingInto(this);
    }

    /** Soft variant of {@link AutoJAssertions#assertThatResponses(List)}. */
    @SuppressWarnings("unchecked")
    default ResponsesAssert assertThatResponses(List<String> responses) {
        return proxy(ResponsesAssert.class, List.class, responses == null ? null : List.copyOf(responses)).collectingInto(this);
    }

    /** Soft variant of {@link AutoJAssertions#assertThatCandidates(List)}: a fail is collected, an inconclusive abort still thrown. */
    @SuppressWarnings("unchecked")
    default CandidatesAssert assertThatCandidates(List<PairedCase> cases) {
        return proxy(CandidatesAssert.class, List.class, cases == null ? null : List.copyOf(cases)).collectingInto(this);
    }
}
