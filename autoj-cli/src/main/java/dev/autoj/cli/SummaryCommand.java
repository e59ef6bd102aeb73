package dev.autoj.cli;

import picocli.CommandLine.Command;

/**
 * {@code autoj summary}: work with run summaries ({@code summary.json}, format {@code autoj-summary/1}).
 *
 * <pre>{@code
 * int exit = Main.commandLine().execute("summary", "merge", "--out", "target/autoj", "shard-1/summary.json", "shard-2/summary.json");
 * }</pre>
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Work with run summaries (summary.json): merge the summaries of CI shards into one.",
        subcommands = {SummaryMergeCommand.class})
final class SummaryCommand extends GroupCommand {

    SummaryCommand() {
        super("name what to do: merge");
    }
}
