package dev.autoj.cli;

import dev.autoj.engine.store.JudgmentStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * A {@code store} subcommand that works on a store that exists ({@code verify}, {@code stats},
 * {@code prune}): its one {@code --store DIR} option and the check that the folder is there.
 *
 * <pre>{@code
 * final class StoreStatsCommand extends StoreFolderCommand {
 *     void execute() { JudgmentStore.Stats s = judgments().stats(); … }
 * }
 * }</pre>
 */
abstract class StoreFolderCommand extends AutojCommand {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Store folder (judgments, and answers in its answers/ subfolder).")
    Path store;

    /** The judgments of {@link #store}, refused as an input error when the folder is not there. */
    JudgmentStore judgments() {
        return StoreCommand.existing(store);
    }
}
