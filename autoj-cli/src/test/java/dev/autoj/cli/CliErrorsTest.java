package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.SharedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every failure prints one line naming the file, the line and the fix, exits non-zero and writes nothing. */
class CliErrorsTest {

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void aMissingFileIsNamedWithExitCode1() {
        Path missing = dir.resolve("nope.jsonl");

        CliRun run = CliRun.of("parse", "--protocol", "single", "--in", missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).isEqualTo("autoj parse: " + missing + ": no such file; check the path (relative paths start at "
                + Path.of("").toAbsolutePath() + ")");
    }

    @Test
    void badJsonNamesTheLineAndNothingIsPrinted() throws IOException {
        Path in = file("outputs.jsonl", "{\"output\": \"Rating: [[5]]\"}\n\n{\"output\": \"Rating: [[\n");

        CliRun run = CliRun.of("parse", "--protocol", "single", "--in", in.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).startsWith("autoj parse: " + in + " line 3: not valid JSON (")
                .endsWith("; each line must be one complete JSON object");
    }

    @Test
    void aLineThatIsNotAnObjectIsRefused() throws IOException {
        Path in = file("outputs.jsonl", "[1, 2]\n");

        CliRun run = CliRun.of("parse", "--protocol", "single", "--in", in.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).contains(in + " line 1: is array [1,2], not a JSON object");
    }

    @Test
    void anUnknownProtocolInARequestNamesTheLine() throws IOException {
        Path in = file("requests.jsonl", "{\"protocol\":\"single\",\"query\":\"q\",\"response\":\"r\"}\n{\"protocol\":\"triple\",\"query\":\"q\"}\n");

        CliRun run = CliRun.of("prompt", "--in", in.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errorLine()).isEqualTo("autoj prompt: " + in + " line 2: unknown protocol \"triple\"; use \"single\", \"pairwise\" or \"scenario\"");
    }

    @Test
    void anUnknownProtocolOptionIsAUsageErrorWithExitCode2() throws IOException {
        Path in = file("outputs.jsonl", "{\"output\": \"x\"}\n");

        CliRun run = CliRun.of("parse", "--protocol", "triple", "--in", in.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLine()).isEqualTo("autoj parse: Invalid value for option '--protocol': unknown protocol 'triple'; "
                + "use single or pairwise (see 'autoj parse --help')");
    }

    @Test
    void aMissingFieldNamesTheFieldAndTheLine() throws IOException {
        Path in = file("requests.jsonl", "{\"protocol\":\"pairwise\",\"query\":\"q\",\"response_1\":\"a\"}\n");

        CliRun run = CliRun.of("prompt", "--in", in.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).isEqualTo("autoj prompt: " + in + " line 1: field \"response_2\" is missing; add \"response_2\" to this line");
    }

    @Test
    void anUnknownScenarioSuggestsTheClosestNames() throws IOException {
        Path pred = file("pred.jsonl", "{\"scenario\": \"code_generaton\"}\n");

        CliRun run = CliRun.of("eval", "scenario", "--source", SharedFiles.testbed("scenario_classifier_testdata.jsonl").toString(),
                "--pred", pred.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).startsWith("autoj eval scenario: " + pred + " line 1: Unknown scenario 'code_generaton'. Did you mean: code_generation")
                .endsWith("; correct field \"scenario\"");
    }

    @Test
    void aLabelOutOfRangeIsRefused() throws IOException {
        Path pred = file("pred.jsonl", "{\"output\": 3}\n");

        CliRun run = CliRun.of("eval", "pairwise", "--source", SharedFiles.testbed("testdata_pairwise.jsonl").toString(),
                "--pred", pred.toString(), "--exchange", pred.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).isEqualTo("autoj eval pairwise: " + pred + " line 1: field \"output\" is number 3, not a label; "
                + "write 0 (Response 1), 1 (Response 2) or 2 (Tie)");
    }

    @Test
    void tooFewPredictionsAreCountedAgainstTheSource() throws IOException {
        Path pred = file("pred.jsonl", "{\"output\": 0}\n{\"output\": 1}\n");

        CliRun run = CliRun.of("eval", "pairwise", "--source", SharedFiles.testbed("testdata_pairwise.jsonl").toString(),
                "--pred", pred.toString(), "--exchange", pred.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).contains(pred + ": has 2 predictions but ").contains("has 1392 items; write exactly one prediction line per source line");
    }

    @Test
    void aFailedRunLeavesAnExistingOutFileUntouchedAndNoTemporaryFile() throws IOException {
        Path out = file("prompts.jsonl", "previous content\n");
        Path in = file("requests.jsonl", "{\"protocol\":\"scenario\",\"query\":\"a\"}\n{\"protocol\":\"scenario\",\"query\":\"b\"}\n{\"protocol\":\"scenario\"}\n");

        CliRun run = CliRun.of("prompt", "--in", in.toString(), "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).contains(in + " line 3: field \"query\" is missing");
        assertThat(Files.readString(out)).isEqualTo("previous content\n");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("prompts.jsonl", "requests.jsonl");
        }
    }

    @Test
    void anOutFileInAMissingFolderIsAWriteFailureWithExitCode3() throws IOException {
        Path in = file("requests.jsonl", "{\"protocol\":\"scenario\",\"query\":\"a\"}\n");
        Path out = dir.resolve("no-such-folder").resolve("prompts.jsonl");

        CliRun run = CliRun.of("prompt", "--in", in.toString(), "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.errorLine()).contains("cannot write " + out).contains("does not exist; create it first");
        assertThat(out.getParent()).doesNotExist();
    }

    @Test
    void aMissingTokenizerIsNamed() throws IOException {
        Path in = file("requests.jsonl", "{\"protocol\":\"scenario\",\"query\":\"a\"}\n");

        CliRun run = CliRun.of("prompt", "--in", in.toString(), "--tokenizer", dir.resolve("tokenizer.json").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).contains("tokenizer.json does not exist");
    }

    @Test
    void noSubcommandIsAUsageError() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLine()).isEqualTo("autoj: name a subcommand: prompt, parse, judge, classify, eval, store, generate, bench, convert, conformance, gate, summary or serve (see 'autoj --help')");
    }

    @Test
    void inputErrorsAreOneLineEvenWithoutTheConfiguredCommandLine() {
        Path missing = dir.resolve("nope.jsonl");

        CliRun run = CliRun.of(new CommandLine(new Main()), "eval", "single", "--pred", missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).startsWith("autoj eval single: " + missing + ": no such file");
    }

    @Test
    void versionAndHelpNameTheToolAndItsSubcommands() {
        CliRun version = CliRun.of("--version");
        CliRun help = CliRun.of("--help");

        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("autoj ");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("prompt", "parse", "classify", "eval", "store");
    }

    @Test
    void halfACharacterInAJudgeRequestIsOneLineNamingTheLineFieldAndIndexWithExitCode1() throws IOException {
        Path in = dir.resolve("requests.jsonl");
        // A JSON escape of a lone surrogate: valid JSON, but not a whole character.
        Files.writeString(in, "{\"protocol\":\"single\",\"query\":\"Capital?\",\"response\":\"Paris\"}\n"
                + "{\"protocol\":\"pairwise\",\"query\":\"Capital?\",\"response_1\":\"Paris\",\"response_2\":\"Par\\ud800is\"}\n",
                StandardCharsets.UTF_8);

        CliRun run = CliRun.of("judge", "--in", in.toString(), "--out", dir.resolve("out.jsonl").toString(),
                "--mode", "replay", "--store", dir.resolve("store").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).contains("line 2").contains("field \"response_2\" holds an unpaired UTF-16 surrogate U+D800"
                + " at character index 3").doesNotContain("unexpected failure");
    }

    @Test
    void halfACharacterFoundBeyondTheRequestReaderIsStillBadInputNotAnUnexpectedFailure() throws IOException {
        Path in = dir.resolve("requests.jsonl");
        Files.writeString(in, "{\"protocol\":\"single\",\"query\":\"Capital\\udc00?\",\"response\":\"Paris\"}\n",
                StandardCharsets.UTF_8);

        CliRun run = CliRun.of("prompt", "--in", in.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errorLine()).contains("The query holds an unpaired UTF-16 surrogate U+DC00 at character index 7")
                .doesNotContain("unexpected failure");
    }
}
