package dev.autoj.engine.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code store}: look after a judgment store (see docs/record-replay.md).
 *
 * <pre>{@code
 * int exit = new CommandLine(new StoreCommand()).execute("verify", "--store", "src/test/autoj-store");
 * }</pre>
 */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "Look after a judgment store: import the published Auto-J outputs, verify, count, benchmark replay.",
        subcommands = {StoreImportTestbedCommand.class, StoreVerifyCommand.class, StoreStatsCommand.class, StoreBenchCommand.class})
public final class StoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Runs the store commands on their own: {@code java -cp autoj.jar dev.autoj.engine.cli.StoreCommand stats --store DIR}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new StoreCommand()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("Missing subcommand: import-testbed, verify, stats or bench.");
        spec.commandLine().usage(err);
        return 2;
    }
}
