package dev.autoj.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.protocol.VerdictParser;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a verdict with the judged texts (skipping markers the judge copied from them) must not
 * change any of Auto-J-13B's published judgments: each is parsed the old way (last marker, no
 * texts) and the new way (with the real query and response of its testbed record), and the
 * published pairwise verdicts are replayed through the judge with their real judged texts.
 */
class QuoteAwareParseOnPublishedOutputsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void all232PublishedCritiquesReadTheSameWithTheirJudgedTextsAsByTheLastMarker() {
        List<AutoJTestbed.SingleItem> items = AutoJTestbed.single(SharedFiles.testbed("critique_example_output.jsonl").getParent());
        int same = 0;
        List<String> warned = new ArrayList<>();
        for (AutoJTestbed.SingleItem item : items) {
            ParsedVerdict old = VerdictParser.parse(Protocol.SINGLE, Language.EN, item.output());
            ParsedVerdict quoteAware = VerdictParser.parse(PromptBuilder.single(Language.EN, item.query(), item.response()), item.output());
            assertThat(quoteAware.rating()).as("item %d", item.index()).isEqualTo(old.rating());
            assertThat(quoteAware.noVerdictReason()).as("item %d", item.index()).isEqualTo(old.noVerdictReason());
            same++;
            if (!quoteAware.warnings().isEmpty()) {
                warned.add(item.index() + ": " + quoteAware.warnings());
            }
        }
        System.out.printf("published critiques: %d of %d read the same; %d with a skipped marker%n", same, items.size(), warned.size());
        assertThat(same).isEqualTo(232);
        assertThat(warned).isEmpty();
    }

    @Test
    void all960PublishedTrainingTargetsReadTheSameWithTheQueryAndResponseOfTheirUserMessage() throws IOException {
        int checked = 0;
        for (String line : Files.readAllLines(SharedFiles.testbed("single_traindata.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode record = JSON.readTree(line);
            String message = record.get("usrmsg").asText();
            // The user message is Auto-J's single template filled with the query and the response.
            String query = between(message, "[Query]: ", "\n***\n[Response]: ");
            String response = between(message, "\n***\n[Response]: ", "\n***\n[END DATA]");
            String output = record.get("target_output").asText();
            ParsedVerdict old = VerdictParser.parse(Protocol.SINGLE, Language.EN, output);
            ParsedVerdict quoteAware = VerdictParser.parse(Protocol.SINGLE, Language.EN, output,
                    Map.of("query", query, "response", response));
            assertThat(quoteAware).as("line %d", checked + 1).isEqualTo(old);
            assertThat(quoteAware.rating()).isEqualTo(record.get("pred_score").asDouble());
            checked++;
        }
        System.out.printf("published training targets: %d of 960 read the same%n", checked);
        assertThat(checked).isEqualTo(960);
    }

    @Test
    void replayingAllPublishedJudgmentsWithTheirJudgedTextsGivesThePublishedVerdictsAndRatings() {
        Path testbed = SharedFiles.testbed("testdata_pairwise.jsonl").getParent();
        JudgmentStore store = JudgmentStore.open(dir.resolve("store"));
        TestbedImport.run(testbed, store, Instant.parse("2024-01-01T00:00:00Z"));
        List<AutoJTestbed.PairwiseItem> pairs = AutoJTestbed.pairwise(testbed);
        List<AutoJTestbed.SingleItem> singles = AutoJTestbed.single(testbed);

        try (Judge judge = Judges.builder().modelId(TestbedImport.MODEL_ID).store(store).mode(StoreMode.REPLAY).build()) {
            List<Comparison> comparisons = judge.compareAll(pairs.stream()
                    .map(p -> new Judge.CompareRequest(p.query(), p.response1(), p.response2(), p.scenario())).toList());
            int sameVerdicts = 0;
            for (int i = 0; i < pairs.size(); i++) {
                assertThat(comparisons.get(i).original().verdict()).as("pair %d original", i).isEqualTo(pairs.get(i).original());
                assertThat(comparisons.get(i).swapped().verdict()).as("pair %d swapped", i).isEqualTo(pairs.get(i).exchanged());
                sameVerdicts += 2;
            }
            List<Judgment> grades = judge.gradeAll(singles.stream()
                    .map(s -> new Judge.GradeRequest(s.query(), s.response(), s.scenario())).toList());
            int sameRatings = 0;
            for (int i = 0; i < singles.size(); i++) {
                ParsedVerdict old = VerdictParser.parse(Protocol.SINGLE, Language.EN, singles.get(i).output());
                assertThat(grades.get(i).rating()).as("single %d", i).isEqualTo(old.rating());
                assertThat(grades.get(i).warnings()).as("single %d", i).noneMatch(w -> w.startsWith("Verdict marker skipped"));
                sameRatings++;
            }
            System.out.printf("replayed with judged texts: %d of %d pairwise verdicts and %d of %d single results as published%n",
                    sameVerdicts, 2 * pairs.size(), sameRatings, singles.size());
            assertThat(sameVerdicts).isEqualTo(2784);
            assertThat(sameRatings).isEqualTo(232);
        }
        assertThat(store.verify().problems()).isEmpty();
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        int to = text.indexOf(end, from);
        assertThat(from).as("\"%s\" in the user message", start).isNotNegative();
        assertThat(to).as("\"%s\" in the user message", end).isNotNegative();
        return text.substring(from + start.length(), to);
    }
}
