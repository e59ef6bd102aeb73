package dev.autoj.engine;

import dev.autoj.engine.internal.Components;
import java.util.List;

/**
 * Auto-J's scenario classifier's answer for one query: the scenario, the classifier's own words, the
 * warnings it raised, and where the answer comes from.
 *
 * <pre>{@code
 * Classification c = judge.classifyAll(List.of("Write a haiku about rain")).get(0);
 * c.scenario();    // e.g. Scenario.CREATIVE_WRITING; Scenario.DEFAULT when the answer is not a scenario name
 * c.rawOutput();   // what the classifier generated
 * }</pre>
 *
 * @param query the classified query
 * @param scenario the scenario the answer names, or {@link Scenario#DEFAULT}
 * @param rawOutput the classifier's output as generated (empty when the server rejected the prompt)
 * @param warnings why the scenario is {@code default} when the answer did not name one, or none
 * @param provenance a model run now, or the store
 */
public record Classification(String query, Scenario scenario, String rawOutput, List<String> warnings, Provenance provenance) {

    public Classification {
        Components.requireNonNull("query scenario rawOutput provenance", query, scenario, rawOutput, provenance);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
