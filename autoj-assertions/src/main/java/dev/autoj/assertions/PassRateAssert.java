package dev.autoj.assertions;

import static dev.autoj.assertions.ShouldPassInAtLeast.shouldPassInAtLeast;

import dev.autoj.engine.Judgment;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * The graded samples of {@link ResponsesAssert}, waiting for the required pass rate.
 *
 * <pre>{@code
 * assertThatResponses(samples).forQuery(q).scoresAtLeast(7).inAtLeast(0.8);
 * }</pre>
 */
public class PassRateAssert extends AbstractAssert<PassRateAssert, List<Judgment>> {

    private String expectation;
    private String query;
    private List<String> responses;
    private List<Boolean> passed;

    /** Obtained from {@link ResponsesAssert}; public for AssertJ's soft-assertion proxies. */
    public PassRateAssert(List<Judgment> judgments) {
        super(judgments, PassRateAssert.class);
    }

    PassRateAssert expecting(String expectation, String query, List<String> responses, List<Boolean> passed) {
        this.expectation = expectation;
        this.query = query;
        this.responses = List.copyOf(responses);
        this.passed = List.copyOf(passed);
        return myself;
    }

    /** Passes when at least {@code share} (0 &lt; share ≤ 1) of the samples met the expectation; a no-verdict sample counts as failed. */
    public PassRateAssert inAtLeast(double share) {
        Messages.checked(share > 0 && share <= 1, share, "inAtLeast(share) takes a share in (0, 1], e.g. 0.8 for 80 %");
        if (passed == null) {
            throw new IllegalStateException("a PassRateAssert comes from assertThatResponses(..).scoresAtLeast(..)");
        }
        long passes = passed.stream().filter(p -> p).count();
        // Compare counts, not doubles: 4 of 5 must satisfy inAtLeast(0.8) exactly.
        if (passes < Math.ceil(share * passed.size() - 1e-9)) {
            throwAssertionError(shouldPassInAtLeast(expectation, share, query, responses, actual, passed));
        }
        return myself;
    }

    /** Passes when every sample met the expectation. */
    public PassRateAssert inAll() {
        return inAtLeast(1.0);
    }
}
