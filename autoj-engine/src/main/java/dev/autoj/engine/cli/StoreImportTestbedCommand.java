package dev.autoj.engine.cli;

import dev.autoj.engine.internal.TestbedImport;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code store import-testbed}: Auto-J-13B's published outputs into a store, keyed by their exact prompts. */
@Command(name = "import-testbed", mixinStandardHelpOptions = true,
        description = {"Import Auto-J-13B's published testbed outputs into a judgment store (model GAIR/autoj-13b,"
                + " greedy, 1024 new tokens): the 1392 x 2 pairwise verdicts (labels only, no critique text) and the"
                + " 232 single-response judgments (real critiques). Existing identical records are kept."})
public final class StoreImportTestbedCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--testbed", required = true, description = "Folder with testdata_pairwise.jsonl and the published outputs.")
    Path testbed;

    @Option(names = "--store", required = true, description = "Judgment store folder (created when missing).")
    Path store;

    @Override
    public Integer call() {
        if (!Files.isDirectory(testbed)) {
            spec.commandLine().getErr().println("--testbed " + testbed + " is not a folder; point it at the Auto-J testbed"
                    + " (the folder holding testdata_pairwise.jsonl).");
            return 2;
        }
        try {
            TestbedImport.Result result = TestbedImport.run(testbed, JudgmentStore.open(store), Instant.now());
            spec.commandLine().getOut().printf("Imported into %s: %d pairwise records (labels only), %d single-response"
                            + " judgments; %d files written, %d already present.%n",
                    store, result.pairwise(), result.single(), result.added(), result.alreadyPresent());
            return 0;
        } catch (StoreException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("store import-testbed failed: " + e.getMessage());
            return 1;
        }
    }
}
