package dev.autoj.junit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps the fixture classes out of the normal test run: they run only in launches made by
 * {@link Launches}, which set {@value #PARAMETER}. Some of them fail on purpose.
 */
final class OnlyInTestKit implements ExecutionCondition {

    static final String PARAMETER = "autoj.test.fixture-launch";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context.getConfigurationParameter(PARAMETER).isPresent()
                ? ConditionEvaluationResult.enabled("launched as a fixture")
                : ConditionEvaluationResult.disabled("fixture class: runs only inside an EngineTestKit launch");
    }
}
