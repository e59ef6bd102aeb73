package dev.autoj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.cli.gate.Summaries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GateCommandTest {

    @TempDir
    Path dir;

    @Test
    void aNewLossFailsTheGateWithExitCode5AfterPrintingTheTable() {
        Path base = Summaries.write(dir, "base.json", "PromptTest.summary=passed", "PromptTest.code=passed");
        Path now = Summaries.write(dir, "now.json", "PromptTest.summary=failed", "PromptTest.code=passed");

        CliRun run = gate("--baseline", base.toString(), "--current", now.toString());

        assertThat(run.exitCode()).isEqualTo(5);
        assertThat(run.out()).startsWith("## Auto-J merge gate\n\n**Gate failed**: 1 new loss, more than the 0 allowed.")
                .contains("| ❌ new loss | PromptTest › summary() | passed | failed |");
        assertThat(run.errorLine()).isEqualTo("autoj gate: 1 new loss against " + base + ", more than the 0 allowed (--allowed-losses)");
    }

    @Test
    void allowedLossesLetThatManyNewLossesThroughAndNoMore() {
        Path base = Summaries.write(dir, "base.json", "T.a=passed", "T.b=passed", "T.c=passed");
        Path now = Summaries.write(dir, "now.json", "T.a=failed", "T.b=failed", "T.c=passed");

        CliRun two = gate("--baseline", base.toString(), "--current", now.toString(), "--allowed-losses", "2");
        CliRun one = gate("--baseline", base.toString(), "--current", now.toString(), "--allowed-losses", "1");

        assertThat(two.exitCode()).isZero();
        assertThat(two.out()).contains("**Gate passed**: 2 new losses, 2 allowed.");
        assertThat(two.err()).isEmpty();
        assertThat(one.exitCode()).isEqualTo(5);
        assertThat(one.errorLine()).contains("2 new losses").contains("more than the 1 allowed");
    }

    @Test
    void aFixedLossPassesAndTheMarkdownGoesToTheOutFileToo() throws Exception {
        Path base = Summaries.write(dir, "base.json", "T.a=failed", "T.b=passed");
        Path now = Summaries.write(dir, "now.json", "T.a=passed", "T.b=passed");
        Path md = dir.resolve("delta.md");

        CliRun run = gate("--baseline", base.toString(), "--current", now.toString(), "--out", md.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("| ✅ fixed | T › a() | failed | passed |");
        assertThat(Files.readString(md, StandardCharsets.UTF_8)).isEqualTo(run.out());
    }

    @Test
    void noChangePassesWithNoRows() {
        Path base = Summaries.write(dir, "base.json", "T.a=passed");
        Path now = Summaries.write(dir, "now.json", "T.a=passed");

        CliRun run = gate("--baseline", base.toString(), "--current", now.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("No test changed and none fails.");
    }

    @Test
    void aMalformedOrMissingSummaryIsOneLineAndExitCode1() {
        Path base = Summaries.write(dir, "base.json", "T.a=passed");
        Path broken = Summaries.writeText(dir, "broken.json", "{\"format\": ");

        CliRun malformed = gate("--baseline", base.toString(), "--current", broken.toString());
        CliRun missing = gate("--baseline", dir.resolve("nope.json").toString(), "--current", base.toString());

        assertThat(malformed.exitCode()).isEqualTo(1);
        assertThat(malformed.errorLine()).startsWith("autoj gate: " + broken + " line 1: not valid JSON (");
        assertThat(malformed.out()).isEmpty();
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.errorLine()).startsWith("autoj gate: " + dir.resolve("nope.json") + ": no such file;");
    }

    @Test
    void aNegativeAllowanceIsAUsageError() {
        Path base = Summaries.write(dir, "base.json", "T.a=passed");

        CliRun run = gate("--baseline", base.toString(), "--current", base.toString(), "--allowed-losses", "-1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLine()).contains("'-1' is not a number of losses; give a whole number, 0 or more");
    }

    /** {@code autoj gate} through {@link Main}. */
    private static CliRun gate(String... args) {
        CommandLine cl = Main.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "gate";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(cl, all);
    }
}
