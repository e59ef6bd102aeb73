package dev.autoj.engine.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledCasesTest {

    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        return Files.write(dir.resolve("cases.jsonl"), List.of(lines), StandardCharsets.UTF_8);
    }

    private LabelledCaseException failure(String... lines) throws IOException {
        Path file = file(lines);
        return catchThrowableOfType(() -> LabelledCases.read(file), LabelledCaseException.class);
    }

    @Test
    void readsPairwiseCasesWithEveryOptionalField() throws IOException {
        LabelledCases cases = LabelledCases.read(file(
                "{\"id\":\"a\",\"query\":\"q1\",\"response_1\":\"r1\",\"response_2\":\"r2\",\"label\":1,\"scenario\":\"code_generation\",\"tags\":[\"x\",\"y\"]}",
                "",
                "{\"query\":\"q2\",\"response_1\":\"s1\",\"response_2\":\"s2\",\"label\":\"2\",\"language\":\"zh\"}",
                "{\"query\":\"q3\",\"response_1\":\"t1\",\"response_2\":\"t2\",\"label\":\"Tie\"}"));

        assertThat(cases.isPairwise()).isTrue();
        assertThat(cases.format()).isEqualTo(LabelledCases.Format.LABELLED);
        assertThat(cases.pairs()).extracting(LabelledPair::label).containsExactly(Verdict.RESPONSE_1, Verdict.RESPONSE_2, Verdict.TIE);
        LabelledPair first = cases.pairs().get(0);
        assertThat(first.id()).isEqualTo("a");
        assertThat(first.scenario()).isEqualTo(Scenario.CODE_GENERATION);
        assertThat(first.tags()).containsExactly("x", "y");
        assertThat(cases.pairs().get(1).language()).isEqualTo(Language.ZH);
        assertThat(cases.pairs().get(2).scenario()).isNull();
        assertThat(cases.compareRequests().get(0).response2()).isEqualTo("r2");
    }

    @Test
    void readsSingleResponseCases() throws IOException {
        LabelledCases cases = LabelledCases.read(file(
                "{\"query\":\"q\",\"response\":\"r\",\"score\":7}",
                "{\"query\":\"q\",\"response\":\"s\",\"score\":4.5,\"tags\":[\"t\"]}"));

        assertThat(cases.isPairwise()).isFalse();
        assertThat(cases.responses()).extracting(LabelledResponse::humanScore).containsExactly(7.0, 4.5);
        assertThat(cases.gradeRequests()).hasSize(2);
    }

    @Test
    void theAutoJTestbedIsReadAsItIsWithItsLabelsAsTheHumanLabels() {
        LabelledCases cases = LabelledCases.read(SharedFiles.testbed("testdata_pairwise.jsonl"));

        assertThat(cases.format()).isEqualTo(LabelledCases.Format.AUTOJ_PAIRWISE_TESTBED);
        assertThat(cases.pairs()).hasSize(1392);
        assertThat(cases.pairs().get(0).label()).isEqualTo(Verdict.RESPONSE_2);   // the first line's "label": 1
        assertThat(cases.pairs().get(0).scenario()).isEqualTo(Scenario.POST_SUMMARIZATION);
        assertThat(cases.pairs().stream().filter(p -> p.label() == Verdict.TIE)).hasSize(373);   // the lines with "label": 2
    }

    @Test
    void aBadLabelNamesFileLineFieldAndTheAcceptedValues() throws IOException {
        LabelledCaseException e = failure(
                "{\"query\":\"q\",\"response_1\":\"a\",\"response_2\":\"b\",\"label\":1}",
                "{\"query\":\"q\",\"response_1\":\"a\",\"response_2\":\"b\",\"label\":\"better\"}");

        assertThat(e.line()).isEqualTo(2);
        assertThat(e.field()).isEqualTo("label");
        assertThat(e).hasMessage(dir.resolve("cases.jsonl") + " line 2, field \"label\": is \"better\"; write 1 (response_1 is better),"
                + " 2 (response_2 is better) or \"tie\"");
    }

    @Test
    void theTestbedsZeroIsRefusedInTheOwnFormatRatherThanMisread() throws IOException {
        assertThat(failure("{\"query\":\"q\",\"response_1\":\"a\",\"response_2\":\"b\",\"label\":0}"))
                .hasMessageContaining("line 1, field \"label\": is 0, which the Auto-J testbed uses for response 1");
    }

    @Test
    void anUnknownFieldIsNamedWithTheOneItProbablyMeant() throws IOException {
        LabelledCaseException e = failure("{\"query\":\"q\",\"response\":\"a\",\"score\":3,\"tag\":[\"x\"]}");

        assertThat(e.field()).isEqualTo("tag");
        assertThat(e).hasMessageContaining("is not a field of this kind of case (did you mean \"tags\"?)");
    }

    @Test
    void missingWrongAndMixedLinesAreRefusedWithTheirLine() throws IOException {
        assertThat(failure("{\"query\":\"q\",\"response_1\":\"a\",\"response_2\":\"b\"}"))
                .hasMessageContaining("line 1, field \"label\": is missing; add \"label\"");
        assertThat(failure("{\"query\":\"q\",\"response\":\"a\",\"score\":\"high\"}"))
                .hasMessageContaining("field \"score\": is \"high\", not a number");
        assertThat(failure("{\"query\":\"q\",\"response\":\"a\",\"score\":3}", "{\"query\":\"q\",\"response_1\":\"a\",\"response_2\":\"b\",\"label\":1}"))
                .hasMessageContaining("line 2: is a pairwise (response_1, response_2) case, but line 1 began a file of single-response");
        assertThat(failure("{\"id\":\"x\",\"query\":\"q\",\"response\":\"a\",\"score\":3}", "{\"id\":\"x\",\"query\":\"q\",\"response\":\"b\",\"score\":3}"))
                .hasMessageContaining("line 2, field \"id\": \"x\" is the id of line 1 too");
        assertThat(failure("{\"query\":\"q\",\"response\":\"a\",\"score\":3,\"scenario\":\"code_generaton\"}"))
                .hasMessageContaining("field \"scenario\": Unknown scenario 'code_generaton'. Did you mean: code_generation");
        assertThat(failure("{\"query\":\"  \",\"response\":\"a\",\"score\":3}")).hasMessageContaining("field \"query\": is blank");
        assertThat(failure("not json")).hasMessageContaining("line 1: is not valid JSON");
        assertThat(failure("{\"query\":\"q\"}")).hasMessageContaining("has neither \"response_1\" and \"response_2\"");
        assertThat(failure("")).hasMessageContaining("holds no cases");
    }

    @Test
    void aFileThatIsNotUtf8SaysSo() throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.jsonl"), "{\"query\":\"caf\u00e9\",\"response\":\"r\",\"score\":3}\n"
                .getBytes(StandardCharsets.ISO_8859_1));

        assertThat(catchThrowableOfType(() -> LabelledCases.read(latin1), LabelledCaseException.class))
                .hasMessage(latin1 + ": is not valid UTF-8; save the file as UTF-8");
    }

    @Test
    void aMissingFileSaysSo() {
        Path missing = dir.resolve("nope.jsonl");
        assertThat(catchThrowableOfType(() -> LabelledCases.read(missing), LabelledCaseException.class))
                .hasMessageStartingWith(missing + ": no such file");
    }
}
