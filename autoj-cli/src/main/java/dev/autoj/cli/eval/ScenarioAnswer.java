package dev.autoj.cli.eval;

import dev.autoj.engine.Scenario;
import java.util.Objects;

/**
 * What a scenario classifier answered for one query.
 *
 * @param scenario the scenario, {@link Scenario#DEFAULT} when the answer named none
 * @param unrecognised the classifier's text when it was not a scenario name (and so became
 *     {@code default}), else null
 */
public record ScenarioAnswer(Scenario scenario, String unrecognised) {

    public ScenarioAnswer {
        Objects.requireNonNull(scenario, "scenario");
    }

    /** A known scenario. */
    public static ScenarioAnswer of(Scenario scenario) {
        return new ScenarioAnswer(scenario, null);
    }

    /**
     * Reads the classifier's generated text: its first non-blank line, trimmed, looked up as a
     * scenario name; anything else is {@code default}, as Auto-J does for an uncertain answer.
     *
     * <pre>{@code
     * ScenarioAnswer.fromClassifierOutput("code_generation\n").scenario();  // CODE_GENERATION
     * ScenarioAnswer.fromClassifierOutput("I think code").scenario();       // DEFAULT, unrecognised
     * }</pre>
     */
    public static ScenarioAnswer fromClassifierOutput(String output) {
        String answer = output == null ? "" : output.strip().lines().findFirst().orElse("").strip();
        return Scenario.find(answer).map(ScenarioAnswer::of).orElseGet(() -> new ScenarioAnswer(Scenario.DEFAULT, output));
    }

    /** True when the classifier's answer was not a scenario name. */
    public boolean isUnrecognised() {
        return unrecognised != null;
    }
}
