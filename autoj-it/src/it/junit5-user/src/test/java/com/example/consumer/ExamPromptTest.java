package com.example.consumer;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import org.junit.jupiter.api.Test;

/** autoj on JUnit 5 (junit5-user) and JUnit 6 (junit6-user, same sources): the extension loads, the JUnit jars are one version, judgments replay. */
@AutoJ
class ExamPromptTest {

    // testdata_pairwise.jsonl line 474 and testdata_critique.jsonl line 77 of the Auto-J testbed
    static final String QUERY = "What is the relationship between the average kinetic energy of electrons at two points"
            + " in a circuit, and the voltage?";
    static final String CURRENT = "The relationship between the average kinetic energy of electrons at two points in a"
            + " circuit, and the voltage is that the higher the voltage, the greater the average kinetic energy of the"
            + " electrons. This is because the voltage increases the force of the electric field, which causes the"
            + " electrons to accelerate and move more quickly.";
    static final String NEXT = "The average kinetic energy of the electrons in a circuit is directly proportional to the"
            + " voltage difference between the two points in the circuit. This is because the voltage difference is the"
            + " amount of work that is done on the electrons as they move through the circuit. This work causes the"
            + " electrons to gain kinetic energy.";

    @Test
    void junitJarsAreAlignedOnTheExpectedMajorVersion() throws Exception {
        String major = System.getProperty("expected.junit.major");
        String api = version(Class.forName("org.junit.jupiter.api.Test"));
        String engine = version(Class.forName("org.junit.jupiter.engine.JupiterTestEngine"));
        String platformEngine = version(Class.forName("org.junit.platform.engine.TestEngine"));
        String launcher = version(Class.forName("org.junit.platform.launcher.Launcher"));
        System.out.printf("JUnit versions: jupiter-api %s, jupiter-engine %s, platform-engine %s, platform-launcher %s%n",
                api, engine, platformEngine, launcher);
        assertTrue(api.startsWith(major + "."), "junit-jupiter-api " + api + " is not JUnit " + major);
        assertEquals(api, engine, "junit-jupiter-engine");
        assertEquals(api.startsWith("5.") ? "1." + api.substring(2) : api, platformEngine, "junit-platform-engine");
        assertEquals(platformEngine, launcher, "junit-platform-launcher (Allure's listener brings an older one)");
    }

    @Test
    void newAnswerIsPreferredOverTheCurrentOne() {
        assertThatResponse(NEXT).forQuery(QUERY).inScenario(Scenario.SOLVING_EXAM_QUESTION_WITH_MATH)
                .isPreferredOver(CURRENT);
    }

    @Test
    void newAnswerScoresAtLeastSix() {
        assertThatResponse(NEXT).forQuery(QUERY).inScenario(Scenario.SOLVING_EXAM_QUESTION_WITH_MATH)
                .scoresAtLeast(6);
    }

    private static String version(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        assertNotNull(version, "no Implementation-Version in the jar of " + type.getName());
        return version;
    }
}
