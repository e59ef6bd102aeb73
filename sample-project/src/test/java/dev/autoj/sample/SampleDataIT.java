package dev.autoj.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autoj.engine.Protocol;
import dev.autoj.engine.internal.TestbedImport;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoredJudgment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample's committed data is what the generator makes from the published Auto-J testbed, and
 * nothing else. An integration test (Failsafe) only so that these upkeep checks stay out of the
 * sample's Allure report, which shows the prompt tests.
 */
class SampleDataIT {

    private static final Path RESOURCES = Path.of("src/test/resources");
    private static final JudgmentStore STORE = JudgmentStore.open(RESOURCES.resolve(GenerateSampleData.STORE_DIR));

    @Test
    void everyCommittedRecordMatchesItsKeyAndIsAPublishedAutoJOutput() {
        JudgmentStore.Verification verification = STORE.verify();
        assertThat(verification.problems()).isEmpty();
        // 13 for the single-case tests, 30 more for the set-level test's 16 cases in both orders (one of them
        // is also a single-case test's item).
        assertThat(verification.checked()).isEqualTo(43);
        for (Path file : STORE.files()) {
            StoredJudgment record = STORE.find(file.getFileName().toString().replace(".json", "")).orElseThrow();
            assertThat(record.modelId()).as(file.toString()).isEqualTo(TestbedImport.MODEL_ID);
            assertThat(record.source()).as(file.toString()).isEqualTo(TestbedImport.SOURCE);
            if (record.protocol() == Protocol.PAIRWISE) {
                assertThat(record.rawOutput()).as("%s: the testbed publishes only the label", file).isNull();
                assertThat(record.note()).as(file.toString()).startsWith("Published label only: ");
            } else {
                assertThat(record.rawOutput()).as("%s: Auto-J's published critique", file).containsPattern("Rating: \\[\\[\\d+\\]\\]\\s*$");
            }
        }
    }

    @Test
    void regeneratingFromThePublishedTestbedGivesTheCommittedData(@TempDir Path regenerated) throws IOException {
        Path testbed = Path.of(System.getProperty("autoj.shared.dir", "../../shared"), "autoj-testbed");
        assumeTrue(Files.isRegularFile(testbed.resolve("testdata_pairwise.jsonl")),
                "The Auto-J testbed is not at " + testbed.toAbsolutePath() + "; the committed data is checked against it where it is");

        GenerateSampleData.generate(testbed, regenerated);

        assertThat(regenerated.resolve(GenerateSampleData.ANSWERS_FILE)).hasSameTextualContentAs(RESOURCES.resolve(GenerateSampleData.ANSWERS_FILE));
        assertThat(regenerated.resolve(GenerateSampleData.CASES_FILE)).hasSameTextualContentAs(RESOURCES.resolve(GenerateSampleData.CASES_FILE));
        JudgmentStore fresh = JudgmentStore.open(regenerated.resolve(GenerateSampleData.STORE_DIR));
        assertThat(names(fresh.files())).isEqualTo(names(STORE.files()));
        for (Path file : STORE.files()) {
            Path twin = fresh.directory().resolve(STORE.directory().relativize(file));
            assertThat(withoutRecordingTime(twin)).as(file.toString()).isEqualTo(withoutRecordingTime(file));
        }
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    private static String withoutRecordingTime(Path record) throws IOException {
        return Files.readAllLines(record, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.trim().startsWith("\"recorded_at\""))
                .collect(Collectors.joining("\n"));
    }
}
