package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.assertions.fixtures.Testbed;
import dev.autoj.assertions.fixtures.Testbed.PairwiseItem;
import dev.autoj.assertions.fixtures.Testbed.SingleItem;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.junitplatform.AllureJunitPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * A launch with the Allure JUnit Platform listener writing real {@code allure-results}; the
 * critique attachment of each test must hold Auto-J-13B's published critique of that test's response.
 */
class AllureResultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ExtendWith(OnlyInTestKit.class)
    static class Reported {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(TestJudges::create);

        @Test
        void translationScoresSeven() {
            SingleItem item = Testbed.single(128);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(7);
        }

        @Test
        void lyricsScoreOne() {
            SingleItem item = Testbed.single(122);
            assertThatResponse(item.response()).forQuery(item.query()).inScenario(item.scenario()).scoresAtLeast(7);
        }

        @Test
        void comparison() {
            PairwiseItem item = Testbed.pair(69);
            assertThatResponse(item.response1()).forQuery(item.query()).inScenario(item.scenario()).isPreferredOver(item.response2());
        }
    }

    @Test
    void critiqueAttachmentHoldsThePublishedCritiqueUnderTheRightTest() throws IOException {
        Testbed.single(0);
        Path results = dir.resolve("allure-results");
        runWithAllure(results, Reported.class, 3);

        JsonNode translation = testResult(results, "translationScoresSeven");
        JsonNode lyrics = testResult(results, "lyricsScoreOne");
        assertThat(translation.get("status").asText()).isEqualTo("passed");
        assertThat(lyrics.get("status").asText()).isEqualTo("failed");

        assertThat(attachment(results, translation, "critique")).isEqualTo(Testbed.single(128).publishedOutput().strip());
        assertThat(attachment(results, lyrics, "critique")).isEqualTo(Testbed.single(122).publishedOutput().strip());
        assertThat(attachment(results, translation, "prompt")).startsWith("[INST] ").contains(Testbed.single(128).response());
        assertThat(JSON.readTree(attachment(results, translation, "judgment")).get("rating").asDouble()).isEqualTo(7.0);

        JsonNode step = translation.get("steps").get(0);
        assertThat(step.get("name").asText()).isEqualTo("Auto-J scoresAtLeast: rating 7 — passed");
        assertThat(parameters(step)).containsEntry("scenario", "text_to_text_translation").containsEntry("rating", "7")
                .containsEntry("source", "replay:published:auto-j-testbed").containsKey("latency");
        assertThat(labels(translation)).containsEntry("autoj.scenario", "text_to_text_translation")
                .containsEntry("autoj.scenario_group", "NLP Tasks");
        assertThat(lyrics.get("steps").get(0).get("status").asText()).isEqualTo("failed");

        JsonNode comparison = testResult(results, "comparison");
        JsonNode comparisonStep = comparison.get("steps").get(0);
        assertThat(parameters(comparisonStep)).containsEntry("verdict (original order)", "Response 1")
                .containsEntry("verdict (swapped order)", "Response 2").containsEntry("consistency", "consistent");
        // The published pairwise outputs are verdict labels without critiques: a note beside the source, not a warning.
        assertThat(attachmentNames(comparisonStep)).containsExactly("prompt (original order)", "judgment (original order)",
                "prompt (swapped order)", "judgment (swapped order)");
        assertThat(parameters(comparisonStep).get("source note")).startsWith("Published label only: ");
        assertThat(parameters(comparisonStep)).doesNotContainKey("warnings");
        assertThat(comparisonStep.get("name").asText()).contains("response preferred in both orders");
    }

    static void runWithAllure(Path results, Class<?> fixture, int tests) {
        AllureLifecycle previous = Allure.getLifecycle();
        AllureLifecycle lifecycle = new AllureLifecycle(new FileSystemResultsWriter(results));
        Allure.setLifecycle(lifecycle);
        try {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(fixture))
                    .configurationParameters(Map.of(OnlyInTestKit.PARAMETER, "true", "autoj.mode", "replay",
                            "autoj.summary.dir", results.resolveSibling("autoj").toString()))
                    .build();
            Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                    .enableTestExecutionListenerAutoRegistration(false)
                    .addTestExecutionListeners(new AllureJunitPlatform(lifecycle))
                    .build());
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            launcher.execute(request, summary);
            assertThat(summary.getSummary().getTestsStartedCount()).isEqualTo(tests);
        } finally {
            Allure.setLifecycle(previous);
        }
    }

    static JsonNode testResult(Path results, String method) throws IOException {
        List<JsonNode> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith("-result.json")).toList()) {
                JsonNode node = JSON.readTree(file.toFile());
                if (node.path("fullName").asText().endsWith("." + method)) {
                    found.add(node);
                }
            }
        }
        assertThat(found).as("allure result of " + method).hasSize(1);
        return found.get(0);
    }

    static String attachment(Path results, JsonNode test, String name) throws IOException {
        for (JsonNode step : test.get("steps")) {
            for (JsonNode attachment : step.get("attachments")) {
                if (attachment.get("name").asText().equals(name)) {
                    return Files.readString(results.resolve(attachment.get("source").asText()));
                }
            }
        }
        throw new AssertionError("no attachment named " + name + " in " + test.get("fullName"));
    }

    private static List<String> attachmentNames(JsonNode step) {
        List<String> names = new ArrayList<>();
        step.get("attachments").forEach(a -> names.add(a.get("name").asText()));
        return names;
    }

    static Map<String, String> parameters(JsonNode step) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        step.get("parameters").forEach(p -> map.put(p.get("name").asText(), p.get("value").asText()));
        return map;
    }

    private static Map<String, String> labels(JsonNode test) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        test.get("labels").forEach(l -> map.putIfAbsent(l.get("name").asText(), l.get("value").asText()));
        return map;
    }
}
