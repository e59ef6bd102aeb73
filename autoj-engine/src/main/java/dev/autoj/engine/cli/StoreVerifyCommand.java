package dev.autoj.engine.cli;

import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code store verify}: every file parses and sits under the key its content hashes to. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check every judgment file: it parses, and its key field, file name and shard folder equal the"
                + " key recomputed from its content. Exits 1 naming each bad file."})
public final class StoreVerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, description = "Judgment store folder.")
    Path store;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(store)) {
            err.println("--store " + store + " is not a folder.");
            return 2;
        }
        JudgmentStore.Verification v;
        try {
            v = JudgmentStore.open(store).verify();
        } catch (StoreException e) {
            err.println("store verify failed: " + e.getMessage());
            return 1;
        }
        for (Path temp : v.leftoverTempFiles()) {
            out.println("note: " + temp + " is a temporary file left by an interrupted writer; it is never read and may be deleted.");
        }
        for (String problem : v.problems()) {
            err.println("BAD " + problem);
        }
        if (!v.ok()) {
            err.printf("%d of %d judgment files in %s are bad.%n", v.problems().size(), v.checked(), store);
            return 1;
        }
        out.printf("All %d judgment files in %s are good.%n", v.checked(), store);
        return 0;
    }
}
