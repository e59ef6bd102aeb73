package dev.autoj.engine.agreement;

import dev.autoj.engine.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** Which rows of a report each case counts in: its scenario group (the leaderboard's rows) and each of its tags. */
final class Groups {

    static final String OVERALL = "Overall";
    static final String UNGROUPED = "Ungrouped";
    static final String NO_SCENARIO = "No scenario";

    private Groups() {
    }

    /**
     * Case indices per scenario-group row, in the leaderboard's order, then "Ungrouped" (a scenario
     * without group) and "No scenario"; empty when no case names a scenario.
     */
    static Map<String, List<Integer>> byScenarioGroup(int cases, IntFunction<Scenario> scenarioOf) {
        Map<String, List<Integer>> rows = new LinkedHashMap<>();
        for (Scenario.Group g : Scenario.Group.values()) {
            rows.put(g.displayName(), new ArrayList<>());
        }
        rows.put(UNGROUPED, new ArrayList<>());
        rows.put(NO_SCENARIO, new ArrayList<>());
        boolean any = false;
        for (int i = 0; i < cases; i++) {
            Scenario scenario = scenarioOf.apply(i);
            any |= scenario != null;
            String row = scenario == null ? NO_SCENARIO : scenario.group().map(Scenario.Group::displayName).orElse(UNGROUPED);
            rows.get(row).add(i);
        }
        rows.values().removeIf(List::isEmpty);
        return any ? rows : Map.of();
    }

    /** Case indices per tag, tags in the order they first appear. */
    static Map<String, List<Integer>> byTag(int cases, IntFunction<List<String>> tagsOf) {
        Map<String, List<Integer>> rows = new LinkedHashMap<>();
        for (int i = 0; i < cases; i++) {
            for (String tag : tagsOf.apply(i).stream().distinct().toList()) {
                rows.computeIfAbsent(tag, t -> new ArrayList<>()).add(i);
            }
        }
        return rows;
    }
}
