package dev.autoj.cli;

import dev.autoj.cli.eval.InputException;
import dev.autoj.cli.gate.GateDelta;
import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.report.SummaryFormatException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code autoj gate}: compares a run summary with a blessed baseline summary and fails on new losses.
 *
 * <pre>{@code
 * int exit = Main.commandLine().execute("gate", "--baseline", "base.json", "--current", "target/autoj/summary.json",
 *         "--allowed-losses", "1", "--out", "target/autoj/delta.md");   // 0 passed, 5 too many new losses
 * }</pre>
 */
@Command(name = "gate",
        mixinStandardHelpOptions = true,
        description = {
            "Merge gate: compares two run summaries (autoj-summary/1) test by test and prints the delta as Markdown.",
            "A new loss is a test that fails now and did not fail in the baseline, or a new test that fails.",
            "Exit codes: 0 new losses within --allowed-losses, 5 more new losses than allowed,",
            "1 a summary is missing or malformed, 2 a wrong command line, 3 the --out file cannot be written."})
final class GateCommand extends AutojCommand {

    @Option(names = "--baseline", required = true, paramLabel = "FILE", description = "the blessed summary.json, e.g. from the main branch")
    Path baseline;

    @Option(names = "--current", required = true, paramLabel = "FILE", description = "this run's summary.json (target/autoj/summary.json)")
    Path current;

    @Option(names = "--allowed-losses", paramLabel = "N", defaultValue = "0", converter = NonNegative.class,
            description = "new losses tolerated before the gate fails (default: ${DEFAULT-VALUE})")
    int allowedLosses;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the Markdown to this file, e.g. for a PR comment")
    Path out;

    @Override
    void execute() {
        GateDelta delta = GateDelta.between(read(baseline), read(current));
        String markdown = delta.markdown(allowedLosses);
        if (out != null) {
            Output.write(this, out, List.of(markdown.stripTrailing()));
        }
        out().print(markdown);
        if (!delta.passes(allowedLosses)) {
            int losses = delta.newLosses();
            throw new CheckFailedException(losses + (losses == 1 ? " new loss" : " new losses") + " against " + baseline
                    + ", more than the " + allowedLosses + " allowed (--allowed-losses)");
        }
    }

    /** The engine reads the summary; its error becomes the CLI's one-line input error (exit code 1). */
    private static RunSummary read(Path file) {
        try {
            return RunSummary.read(file);
        } catch (SummaryFormatException e) {
            throw new InputException(file, e.line(), e.problem(), e.fix(), e);
        }
    }

    /** A whole number of at least 0. */
    static final class NonNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (!value.trim().matches("\\d{1,9}")) {
                throw new TypeConversionException("'" + value + "' is not a number of losses; give a whole number, 0 or more");
            }
            return Integer.parseInt(value.trim());
        }
    }
}
