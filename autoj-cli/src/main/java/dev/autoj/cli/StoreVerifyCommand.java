package dev.autoj.cli;

import dev.autoj.cli.eval.InputException;
import dev.autoj.engine.store.JudgmentStore;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code store verify}: every file parses and sits under the key its content hashes to. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check every judgment file: it parses, and its key field, file name and shard folder equal the"
                + " key recomputed from its content. Lists each bad file on stdout and exits 1."})
final class StoreVerifyCommand extends AutojCommand {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Judgment store folder.")
    Path store;

    @Override
    void execute() {
        JudgmentStore.Verification v = StoreCommand.existing(store).verify();
        for (Path temp : v.leftoverTempFiles()) {
            out().println("note: " + temp + " is a temporary file left by an interrupted writer; it is never read and may be deleted.");
        }
        for (String problem : v.problems()) {
            out().println("BAD " + problem);
        }
        if (!v.ok()) {
            throw new InputException(store, 0, v.problems().size() + " of " + v.checked() + " judgment files are bad"
                    + " (each listed as BAD on stdout)", "restore them from version control, or delete them and record the"
                    + " judgments again");
        }
        out().printf("All %d judgment files in %s are good.%n", v.checked(), store);
    }
}
