package dev.autoj.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs fixture classes in a real Jupiter launch, with their summary written to a temp folder. */
final class Launches {

    private Launches() {
    }

    static EngineExecutionResults launch(Path summaryDir, Map<String, String> configuration, Class<?>... classes) {
        Map<String, String> parameters = new HashMap<>(configuration);
        parameters.put(OnlyInTestKit.PARAMETER, "true");
        parameters.put("autoj.summary.dir", summaryDir.toString());
        parameters.putIfAbsent("autoj.mode", "replay");
        // Each test-kit launch is a run of its own: launches of one test would otherwise join the build's run.
        parameters.putIfAbsent("autoj.run.id", "none");
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameters(parameters)
                .selectors(Arrays.stream(classes).map(c -> selectClass(c)).toArray(ClassSelector[]::new))
                .execute();
    }
}
