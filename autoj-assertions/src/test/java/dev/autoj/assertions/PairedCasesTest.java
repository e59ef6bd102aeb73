package dev.autoj.assertions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairedCasesTest {

    @TempDir
    Path dir;

    @Test
    void aQueryFileBecomesPairedCasesByAskingTheModelWithEachPromptVersion() throws IOException {
        Path jsonl = write("queries.jsonl", """
                {"id": "a", "query": "q1", "scenario": "code_generation"}
                {"query": "q2"}
                """);
        Path csv = write("queries.csv", "id,query\nx,q3\n");
        List<String> asked = new java.util.ArrayList<>();
        java.util.function.UnaryOperator<String> next = q -> {
            asked.add("next:" + q);
            return "new answer to " + q;
        };
        java.util.function.UnaryOperator<String> current = q -> {
            asked.add("current:" + q);
            return "current answer to " + q;
        };
        assertThat(PairedCases.fromQueries(jsonl, next, current)).containsExactly(
                new PairedCase("q1", "new answer to q1", "current answer to q1", "a", Scenario.CODE_GENERATION, null),
                PairedCase.of("q2", "new answer to q2", "current answer to q2"));
        assertThat(PairedCases.fromQueries(csv, next, current)).containsExactly(
                PairedCase.of("q3", "new answer to q3", "current answer to q3").withId("x"));
        assertThat(asked).containsExactly("next:q1", "current:q1", "next:q2", "current:q2", "next:q3", "current:q3");
    }

    @Test
    void aQueryFileWithAnswersIsRefusedBecauseTheAnswersComeFromTheModel() throws IOException {
        Path file = write("queries.jsonl", """
                {"query": "q1", "candidate": "frozen"}
                """);
        assertThatThrownBy(() -> PairedCases.fromQueries(file, q -> "n", q -> "c"))
                .hasMessageContaining("queries.jsonl line 1: unknown field \"candidate\"")
                .hasMessageContaining("its answers come from the model under test");
        Path none = write("empty.jsonl", "\n");
        assertThatThrownBy(() -> PairedCases.fromQueries(none, q -> "n", q -> "c")).hasMessageContaining("empty.jsonl: no queries in the file");
        Path nullAnswer = write("q.jsonl", "{\"query\": \"q\", \"id\": \"k\"}\n");
        assertThatThrownBy(() -> PairedCases.fromQueries(nullAnswer, q -> null, q -> "c"))
                .hasMessageContaining("gave no answer (null) for the query \"q\" (case k)");
    }

    @Test
    void jsonLinesGiveOneCaseALineWithOptionalFields() throws IOException {
        Path file = write("cases.jsonl", """
                {"id": "a", "query": "q1", "candidate": "c1", "baseline": "b1", "scenario": "code_generation", "language": "zh"}

                {"query": "q2", "candidate": "c2", "baseline": "b2"}
                """);
        List<PairedCase> cases = PairedCases.read(file);
        assertThat(cases).containsExactly(
                new PairedCase("q1", "c1", "b1", "a", Scenario.CODE_GENERATION, Language.ZH),
                PairedCase.of("q2", "c2", "b2"));
    }

    @Test
    void aCaseMayCarryItsOwnReferenceAnswerAndAnEmptyCsvCellMeansNone() throws IOException {
        Path jsonl = write("refs.jsonl", """
                {"query": "q1", "candidate": "c1", "baseline": "b1", "reference_answer": "r1"}
                {"query": "q2", "candidate": "c2", "baseline": "b2"}
                """);
        assertThat(PairedCases.read(jsonl)).extracting(PairedCase::referenceAnswer).containsExactly("r1", null);
        Path csv = write("refs.csv", "query,candidate,baseline,reference_answer\nq1,c1,b1,r1\nq2,c2,b2,\n");
        assertThat(PairedCases.read(csv)).containsExactly(PairedCase.of("q1", "c1", "b1").withReferenceAnswer("r1"),
                PairedCase.of("q2", "c2", "b2"));
    }

    @Test
    void aJsonArrayReadsTheSameCases() throws IOException {
        Path file = write("cases.json", """
                [
                  {"id": "a", "query": "q1", "candidate": "c1", "baseline": "b1"},
                  {"id": "b", "query": "q2", "candidate": "c2", "baseline": "b2", "language": "EN"}
                ]
                """);
        assertThat(PairedCases.read(file)).extracting(PairedCase::id, PairedCase::language)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", null), org.assertj.core.groups.Tuple.tuple("b", Language.EN));
    }

    @Test
    void csvWithAHeaderReadsQuotedMultiLineCellsAndTreatsEmptyOptionalCellsAsAbsent() {
        List<PairedCase> cases = PairedCases.fromClasspath("classpath:cases/greetings.csv");
        assertThat(cases).containsExactly(
                new PairedCase("Say hello", "Hello, world!", "Hi", "hello", Scenario.CHITCHAT, Language.EN),
                new PairedCase("Write a two-line poem", "Rain on the roof,\nsleep in the house.", "Rain.", "poem", null, null));
    }

    @Test
    void aMissingFieldNamesFileLineFieldAndTheExpectedFields() throws IOException {
        Path file = write("cases.jsonl", """
                {"query": "q1", "candidate": "c1", "baseline": "b1"}
                {"query": "q2", "candidate": "c2"}
                """);
        assertThatThrownBy(() -> PairedCases.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cases.jsonl line 2: missing field \"baseline\"")
                .hasMessageContaining("\"query\", \"candidate\", \"baseline\" (required)")
                .hasMessageContaining("\"id\", \"scenario\", \"language\", \"reference_answer\" (optional)");
    }

    @Test
    void aMissingCsvColumnIsReportedOnTheHeaderLine() throws IOException {
        Path file = write("cases.csv", "query,candidate\nq,c\n");
        assertThatThrownBy(() -> PairedCases.read(file))
                .hasMessageContaining("cases.csv line 1: the header [query, candidate] has no column \"baseline\"");
    }

    @Test
    void aMisspelledFieldIsRejectedRatherThanIgnored() throws IOException {
        Path file = write("cases.json", """
                [
                  {"query": "q1", "candidate": "c1", "baseline": "b1"},
                  {"query": "q2", "candidate": "c2", "baseLine": "b2"}
                ]
                """);
        assertThatThrownBy(() -> PairedCases.read(file))
                .hasMessageContaining("cases.json line 3 (case 2): unknown field \"baseLine\"");
    }

    @Test
    void unknownScenarioLanguageAndDuplicateIdsAreClearErrors() throws IOException {
        assertThatThrownBy(() -> PairedCases.read(write("s.jsonl",
                "{\"query\": \"q\", \"candidate\": \"c\", \"baseline\": \"b\", \"scenario\": \"code_generaton\"}\n")))
                .hasMessageContaining("s.jsonl line 1: field \"scenario\": Unknown scenario 'code_generaton'")
                .hasMessageContaining("code_generation");
        assertThatThrownBy(() -> PairedCases.read(write("l.jsonl",
                "{\"query\": \"q\", \"candidate\": \"c\", \"baseline\": \"b\", \"language\": \"fr\"}\n")))
                .hasMessageContaining("l.jsonl line 1: field \"language\" is \"fr\"; Auto-J's templates are \"en\" or \"zh\"");
        assertThatThrownBy(() -> PairedCases.read(write("d.csv", "id,query,candidate,baseline\nx,q,c,b\nx,q2,c2,b2\n")))
                .hasMessageContaining("d.csv line 3: id \"x\" is already used on line 2");
    }

    @Test
    void aNumberWhereTextBelongsAndHalfACharacterAreNamedWithFileLineCaseAndField() throws IOException {
        assertThatThrownBy(() -> PairedCases.read(write("n.jsonl", "{\"query\": \"q\", \"candidate\": 42, \"baseline\": \"b\"}\n")))
                .hasMessageContaining("n.jsonl line 1: field \"candidate\" must be a string, not number (42)");
        assertThat(PairedCases.read(write("id.jsonl", "{\"id\": 7, \"query\": \"q\", \"candidate\": \"c\", \"baseline\": \"b\"}\n")))
                .singleElement().extracting(PairedCase::id).isEqualTo("7");
        assertThatThrownBy(() -> PairedCases.read(write("s.jsonl",
                "{\"id\": \"k\", \"query\": \"q\", \"candidate\": \"c\", \"baseline\": \"half \\ud83d\"}\n")))
                .hasMessageContaining("s.jsonl line 1 (case k): field \"baseline\" holds an unpaired UTF-16 surrogate U+D83D at character index 5");
    }

    @Test
    void brokenJsonEmptyFilesAndMissingFilesSayWhatIsWrong() throws IOException {
        assertThatThrownBy(() -> PairedCases.read(write("b.jsonl", "{\"query\": \"q\",\n")))
                .hasMessageContaining("b.jsonl line 1: not valid JSON");
        assertThatThrownBy(() -> PairedCases.read(write("e.jsonl", "\n\n")))
                .hasMessageContaining("e.jsonl: no paired cases in the file");
        assertThatThrownBy(() -> PairedCases.read(dir.resolve("absent.jsonl")))
                .hasMessageContaining("No paired-case file");
        assertThatThrownBy(() -> PairedCases.fromClasspath("cases/absent.jsonl"))
                .hasMessageContaining("No class-path resource cases/absent.jsonl");
        assertThatThrownBy(() -> PairedCases.read(write("blank.jsonl",
                "{\"query\": \" \", \"candidate\": \"c\", \"baseline\": \"b\"}\n")))
                .hasMessageContaining("blank.jsonl line 1: field \"query\" is empty");
        // An empty response is a real answer (the Auto-J testbed judges some): it is kept.
        assertThat(PairedCases.read(write("empty.jsonl", "{\"query\": \"q\", \"candidate\": \"\", \"baseline\": \"b\"}\n")))
                .containsExactly(PairedCase.of("q", "", "b"));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
