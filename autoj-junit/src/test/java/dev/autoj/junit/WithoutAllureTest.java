package dev.autoj.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.autoj.assertions.fixtures.Testbed;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Allure is optional: on a class path without it, a launch works and the judgments become report entries. */
class WithoutAllureTest {

    @TempDir
    Path summaryDir;

    @Test
    void withoutAllureJudgmentsBecomeReportEntries() throws Exception {
        Testbed.single(0);
        try (URLClassLoader withoutAllure = new URLClassLoader(classPathWithoutAllure(), ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> Class.forName("io.qameta.allure.Allure", false, withoutAllure))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> launcher = Class.forName(Launch.class.getName(), true, withoutAllure);
            @SuppressWarnings("unchecked")
            Map<String, String> entry = (Map<String, String>) launcher.getMethod("firstReportEntry", String.class)
                    .invoke(null, summaryDir.toString());
            assertThat(entry).containsEntry("autoj.critique", Testbed.single(128).publishedOutput().strip())
                    .containsEntry("autoj.passed", "true");
        }
        assertThat(summaryDir.resolve("summary.json")).exists();
    }

    private static URL[] classPathWithoutAllure() throws MalformedURLException {
        // Surefire hands the forked JVM a manifest-only jar; the real test class path is in this property.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.replace('\\', '/').contains("/io/qameta/allure/")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        return urls.toArray(URL[]::new);
    }

    /** Runs inside the class loader without Allure, with default settings (autoj.report=auto). */
    public static final class Launch {
        private Launch() {
        }

        public static Map<String, String> firstReportEntry(String summaryDir) {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(Launch.class.getClassLoader());
            try {
                EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                        .configurationParameters(Map.of(OnlyInTestKit.PARAMETER, "true", "autoj.mode", "replay",
                                "autoj.summary.dir", summaryDir))
                        .selectors(selectClass(AutoJExtensionTest.ReportEntries.class))
                        .execute();
                results.testEvents().assertStatistics(s -> s.succeeded(1));
                return new HashMap<>(results.testEvents().reportingEntryPublished().stream()
                        .map(e -> e.getRequiredPayload(ReportEntry.class)).findFirst().orElseThrow().getKeyValuePairs());
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }
}
