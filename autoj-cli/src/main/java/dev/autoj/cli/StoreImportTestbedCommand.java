package dev.autoj.cli;

import dev.autoj.engine.internal.TestbedImport;
import dev.autoj.engine.store.JudgmentStore;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code store import-testbed}: Auto-J-13B's published outputs into a store, keyed by their exact prompts. */
@Command(name = "import-testbed", mixinStandardHelpOptions = true,
        description = {"Import Auto-J-13B's published testbed outputs into a judgment store (model GAIR/autoj-13b,"
                + " greedy, 1024 new tokens): the 1392 x 2 pairwise verdicts (labels only, no critique text) and the"
                + " 232 single-response judgments (real critiques). Existing identical records are kept."})
final class StoreImportTestbedCommand extends AutojCommand {

    @Option(names = "--testbed", required = true, paramLabel = "DIR", description = "Folder with testdata_pairwise.jsonl and the published outputs.")
    Path testbed;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Judgment store folder (created when missing).")
    Path store;

    @Override
    void execute() {
        TestbedImport.Result result;
        try {
            result = TestbedImport.run(StoreCommand.testbed(testbed), JudgmentStore.open(store), Instant.now());
        } catch (IllegalArgumentException e) {
            throw StoreCommand.badTestbed(testbed, e);
        }
        out().printf("Imported into %s: %d pairwise records (labels only), %d single-response"
                        + " judgments; %d files written, %d already present.%n",
                store, result.pairwise(), result.single(), result.added(), result.alreadyPresent());
    }
}
