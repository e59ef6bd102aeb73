package dev.autoj.junit;

import dev.autoj.engine.Judge;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The extension behind {@link AutoJ}. The run's state lives in the root store, so every class
 * of the run shares one judge; JUnit closes it (an {@link AutoCloseable}) when the run ends.
 */
final class AutoJExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AutoJExtension.class);
    private static final String STATE = "run";
    private static final System.Logger LOG = System.getLogger(AutoJExtension.class.getName());

    private final JudgeFactory factory;

    AutoJExtension() {
        this(EngineJudges::create);
    }

    /** For tests that supply the judge themselves. */
    AutoJExtension(JudgeFactory factory) {
        this.factory = factory;
    }

    /** Remembers that the configuration was invalid, so the run fails once, not once per class. */
    private record StartFailure(String message) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        store.getOrComputeIfAbsent(STATE, key -> start(context));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        state(context).testStarted(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        state(context).testFinished(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Judge.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return state(context).judge();
    }

    private RunState state(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        Object state = store.getOrComputeIfAbsent(STATE, key -> start(context));
        if (state instanceof StartFailure failure) {
            // Every test of every class fails with the same reason: an invalid configuration never passes a gate,
            // and no class reports zero tests.
            throw new ExtensionConfigurationException(failure.message());
        }
        return (RunState) state;
    }

    private Object start(ExtensionContext context) {
        try {
            Settings settings = Settings.read(context::getConfigurationParameter, System::getenv, fileProperties(),
                    System.getenv().keySet());
            settings.warnings().forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
            LOG.log(System.Logger.Level.INFO, "autoj: " + settings.judge().describe() + "; settings: "
                    + (settings.origins().isEmpty() ? "all defaults" : String.join(", ", settings.origins().entrySet().stream()
                            .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue()).toList())));
            return new RunState(settings, factory, reporters(settings));
        } catch (Settings.InvalidSettingsException e) {
            return new StartFailure(e.getMessage());
        }
    }

    /** The test class path's {@code junit-platform.properties}, read to rank it below the environment. */
    private static Map<String, String> fileProperties() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader == null ? null : loader.getResourceAsStream("junit-platform.properties")) {
            if (in == null) {
                return Map.of();
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, String> values = new HashMap<>();
            properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
            return values;
        } catch (IOException unreadable) {
            return Map.of();
        }
    }

    private static List<JudgmentReporter> reporters(Settings settings) {
        boolean allure = allureOnClasspath();
        if (settings.report() == Settings.Report.ALLURE && !allure) {
            throw new Settings.InvalidSettingsException("autoj.report=allure, but Allure is not on the test classpath: add "
                    + "io.qameta.allure:allure-jupiter (test scope), or set autoj.report to auto, junit or both.");
        }
        List<JudgmentReporter> reporters = new ArrayList<>();
        switch (settings.report()) {
            case ALLURE -> reporters.add(new AllureReporter());
            case JUNIT -> reporters.add(new ReportEntryReporter());
            case BOTH -> {
                if (allure) {
                    reporters.add(new AllureReporter());
                }
                reporters.add(new ReportEntryReporter());
            }
            case AUTO -> reporters.add(allure ? new AllureWhenRecording() : new ReportEntryReporter());
        }
        return reporters;
    }

    static boolean allureOnClasspath() {
        try {
            Class.forName("io.qameta.allure.Allure", false, AutoJExtension.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException absent) {
            return false;
        }
    }

    /** Allure when its listener records the current test, else JUnit report entries, so nothing is lost. */
    private static final class AllureWhenRecording implements JudgmentReporter {
        private final AllureReporter allure = new AllureReporter();
        private final ReportEntryReporter entries = new ReportEntryReporter();

        @Override
        public void report(dev.autoj.assertions.JudgmentReport report, List<dev.autoj.engine.report.RunSummary.AnswerUse> answers,
                ExtensionContext test, boolean firstOfScenario) {
            (AllureReporter.recording() ? allure : entries).report(report, answers, test, firstOfScenario);
        }

        @Override
        public void reportSet(dev.autoj.assertions.SetReport report, ExtensionContext test) {
            (AllureReporter.recording() ? allure : entries).reportSet(report, test);
        }
    }
}
