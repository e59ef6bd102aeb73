package dev.autoj.engine.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A summary.json written by autoj at 4901925, before the set-level decision became one record
 * ({@link SetDecision}; it was {@code RunSummary.SetEntry} then): three set-level decisions (a
 * sign test, an SPRT that stopped after its first chunk, a non-inferiority test) over Auto-J's
 * published Summarization verdicts, written by that version's extension (judgments trimmed to one
 * per test). The format is still {@code autoj-summary/1}: it reads, writes back byte for byte, and
 * renders the summary.md that version rendered.
 */
class PreviousSummaryFormatTest {

    private static final String FILE = "summary-1-4901925";

    @TempDir
    Path dir;

    @Test
    void readsEveryFigureOfEachMethod() throws IOException {
        RunSummary read = RunSummary.read(copy());

        List<SetDecision> sets = read.tests().stream().flatMap(t -> t.setComparisons().stream()).toList();
        assertThat(sets).extracting(s -> s.method().jsonName()).containsExactly("non_inferiority", "sequential", "sign_test");
        SetDecision nonInferiority = sets.get(0);
        assertThat(nonInferiority.decision()).isEqualTo(SetDecision.Decision.INCONCLUSIVE);
        assertThat(nonInferiority.counts()).isEqualTo(new SetDecision.Counts(8, 8, 5, 0, 3, 0, 0));
        assertThat(nonInferiority.method()).isEqualTo(new SetDecision.NonInferiority(0.2));
        assertThat(nonInferiority.mean()).isEqualTo(new SetDecision.Mean(0.625, 0.27832761270346196));
        assertThat(nonInferiority.casesNeeded()).isEqualTo(18);
        SetDecision sprt = sets.get(1);
        assertThat(sprt.counts().judged()).isEqualTo(4);
        assertThat(sprt.cases()).hasSize(12).filteredOn(SetDecision.Case::judged).hasSize(4);
        assertThat(sprt.casesNeeded()).isEqualTo(-1);
        assertThat(sprt.margin()).isNaN();
        SetDecision sign = sets.get(2);
        assertThat(sign.method()).isEqualTo(new SetDecision.SignTest(0.6230468749999991));
        assertThat(sign.winShare()).isEqualTo(new SetDecision.WinShare(0.4166666666666667, 0.19326031353363787, 0.6804886876249334));
        assertThat(sign.cases().get(9).positionFlip()).isTrue();
        assertThat(sign.cases().get(9).score()).isEqualTo(0.5);
    }

    @Test
    void writesBackTheSameBytesAndRendersTheSameMarkdown() throws IOException {
        Path file = copy();
        RunSummary read = RunSummary.read(file);

        assertThat(read.toJson() + "\n").isEqualTo(Files.readString(file));
        assertThat(RunSummaryMarkdown.render(read)).isEqualTo(resource(FILE + ".md"));
    }

    private Path copy() throws IOException {
        return Files.writeString(dir.resolve("summary.json"), resource(FILE + ".json"));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PreviousSummaryFormatTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
