package dev.autoj.cli;

import dev.autoj.cli.eval.InputException;
import dev.autoj.engine.store.JudgmentStore;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/**
 * {@code autoj store}: look after a store of judgments and recorded answers (see docs/record-replay.md).
 *
 * <pre>{@code
 * int exit = Main.commandLine().execute("store", "verify", "--store", "src/test/autoj-store");
 * }</pre>
 */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "Look after a store of judgments and recorded answers: import the published Auto-J outputs, verify, count,"
                + " prune what no run read, benchmark replay.",
        subcommands = {StoreImportTestbedCommand.class, StoreVerifyCommand.class, StoreStatsCommand.class, StorePruneCommand.class,
            StoreBenchCommand.class})
final class StoreCommand extends GroupCommand {

    StoreCommand() {
        super("name what to do: import-testbed, verify, stats, prune or bench");
    }

    /** A store that must already exist, as every store subcommand but import needs. */
    static JudgmentStore existing(Path store) {
        if (!Files.isDirectory(store)) {
            throw new InputException(store, 0, "is not a folder", "point --store at a judgment store folder"
                    + " (autoj store import-testbed or a run with --mode record creates one)");
        }
        return JudgmentStore.open(store);
    }

    /** The Auto-J testbed folder, checked before anything is read from it. */
    static Path testbed(Path testbed) {
        if (!Files.isDirectory(testbed)) {
            throw new InputException(testbed, 0, "is not a folder", "point --testbed at the Auto-J testbed"
                    + " (the folder holding testdata_pairwise.jsonl and the published outputs)");
        }
        return testbed;
    }

    /** A testbed that cannot be read: the reader's message names the file and the record. */
    static InputException badTestbed(Path testbed, IllegalArgumentException e) {
        return new InputException(testbed, 0, e.getMessage().replaceFirst("[.;]?$", ""),
                "use the unmodified Auto-J testbed folder", e);
    }
}
