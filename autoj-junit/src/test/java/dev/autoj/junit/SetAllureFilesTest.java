package dev.autoj.junit;

import static dev.autoj.assertions.AutoJAssertions.assertThatCandidates;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.assertions.PairedCase;
import dev.autoj.engine.Judges;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.testing.AnsweringBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one set-level assertion writes to {@code allure-results}: a set of {@value #DEFAULT_CASES} cases
 * (or {@code -Dautoj.test.set-cases=N}, e.g. 5000 to measure) judged by a fixture back end that writes a
 * critique of about 1 kB per judgment. The files must not grow with the cases: one step with the HTML
 * report (every case's row, the critiques of failing, flipped and undecided cases first) and the figures.
 */
class SetAllureFilesTest {

    static final int DEFAULT_CASES = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** TEST FIXTURE, not a judge: a critique-shaped text, then a verdict that depends on the prompt's hash. */
    static Backend critiqueWriter() {
        return new AnsweringBackend("fixture", "fixture-critic", prompt -> "FIXTURE critique (test text, not Auto-J output): "
                + "the response addresses the query. ".repeat(28)
                + "\n\nSo, the final decision is Response " + (Math.floorMod(prompt.hashCode(), 10) < 6 ? 1 : 2) + ".");
    }

    @ExtendWith(OnlyInTestKit.class)
    static class OneBigSet {
        @RegisterExtension
        static final AutoJExtension AUTOJ = new AutoJExtension(settings -> Judges.builder().backend(critiqueWriter()).build());

        @Test
        void candidatesOverBaseline() {
            int n = Integer.getInteger("autoj.test.set-cases", DEFAULT_CASES);
            List<PairedCase> cases = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                cases.add(PairedCase.of("Question " + i + ": how do I reset my password?", "Open Settings, then Security (" + i + ").",
                        "Ask support (" + i + ")."));
            }
            assertThatCandidates(cases).isPreferredOverBaseline();
        }
    }

    @Test
    void aSetLevelAssertionWritesOneReportNotFilesPerCase() throws IOException {
        Path results = dir.resolve("allure-results");
        AllureResultsTest.runWithAllure(results, OneBigSet.class, 1);
        int n = Integer.getInteger("autoj.test.set-cases", DEFAULT_CASES);

        long files;
        long bytes;
        try (Stream<Path> all = Files.list(results)) {
            List<Path> list = all.toList();
            files = list.size();
            bytes = 0;
            for (Path f : list) {
                bytes += Files.size(f);
            }
        }
        System.out.println("allure-results of one set-level assertion over " + n + " cases: " + files + " files, " + bytes + " bytes");
        // the test result, the class and engine containers, the HTML report, the figures
        assertThat(files).as("files for one test with one set-level assertion, whatever the cases").isLessThanOrEqualTo(5);

        JsonNode test = AllureResultsTest.testResult(results, "candidatesOverBaseline");
        assertThat(test.get("steps")).as("one step: the set-level decision").hasSize(1);
        String html = AllureResultsTest.attachment(results, test, "set-level report");
        assertThat(html.split("<tr id=\"case-", -1)).as("a row per case").hasSize(n + 1);
        int firstCritique = html.indexOf("<h4>Critiques</h4>");
        assertThat(firstCritique).isPositive();
        String critiques = html.substring(firstCritique);
        // Critiques of the cases that did not win come first; each case's critiques are there.
        int firstWinning = critiques.indexOf("(won)");
        int lastNotWinning = Math.max(critiques.lastIndexOf("(lost)"), Math.max(critiques.lastIndexOf("(flip)"),
                critiques.lastIndexOf("(tie)")));
        assertThat(lastNotWinning).as("some cases did not win").isPositive();
        assertThat(firstWinning).as("some cases won").isPositive();
        assertThat(lastNotWinning).as("not-won critiques before won ones").isLessThan(firstWinning);
        assertThat(critiques.split("<pre>", -1)).as("both orders' critiques of every case").hasSize(2 * n + 1);
    }
}
