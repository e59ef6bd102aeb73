package dev.autoj.engine.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.protocol.VerdictParser;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GoldenSetTest {

    @Test
    void committedGoldenSetIsWhatTheGeneratorSelectsFromThePublishedTestbed() throws Exception {
        String regenerated = GoldenSetGenerator.render(GoldenSetGenerator.generate(
                SharedFiles.testbed("testdata_pairwise.jsonl").getParent()));
        try (InputStream in = GoldenSet.class.getResourceAsStream(GoldenSet.RESOURCE)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(regenerated);
        }
    }

    @Test
    void goldenSetMixesVerdictsAndRatingsAndEachRatingIsItsPublishedJudgments() {
        GoldenSet golden = GoldenSet.load();

        assertThat(golden.pairs()).hasSize(10).extracting(GoldenSet.Pair::original)
                .containsOnly(Verdict.RESPONSE_1, Verdict.RESPONSE_2, Verdict.TIE);
        assertThat(golden.pairs()).filteredOn(p -> p.original() == Verdict.TIE).hasSize(2);
        assertThat(golden.pairs()).allSatisfy(p -> assertThat(p.swapped().swapped()).isEqualTo(p.original()));
        assertThat(golden.singles()).hasSize(8).extracting(GoldenSet.Single::rating).containsOnly(2, 3, 4, 5, 6, 7);
        assertThat(golden.singles()).allSatisfy(s -> assertThat(
                VerdictParser.parse(Protocol.SINGLE, Language.EN, s.output()).rating()).isEqualTo(s.rating()));
    }

    @Test
    void aDamagedGoldenSetSaysHowToRegenerateIt() {
        ObjectNode wrongFormat = new ObjectMapper().createObjectNode().put("format", "autoj-golden/0");
        ObjectNode empty = new ObjectMapper().createObjectNode().put("format", GoldenSet.FORMAT);

        assertThatThrownBy(() -> GoldenSet.parse(wrongFormat))
                .hasMessageContaining("is damaged: format is 'autoj-golden/0', expected autoj-golden/1")
                .hasMessageContaining("regenerate it with GoldenSetGenerator");
        assertThatThrownBy(() -> GoldenSet.parse(empty)).hasMessageContaining("it holds 0 pairwise and 0 single cases");
    }
}
