package dev.autoj.engine.cli;

import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code store stats}: what a store holds. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Count the judgments in a store per protocol, source and model.")
public final class StoreStatsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, description = "Judgment store folder.")
    Path store;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isDirectory(store)) {
            spec.commandLine().getErr().println("--store " + store + " is not a folder.");
            return 2;
        }
        JudgmentStore.Stats s;
        try {
            s = JudgmentStore.open(store).stats();
        } catch (StoreException e) {
            spec.commandLine().getErr().println("store stats failed: " + e.getMessage());
            return 1;
        }
        out.printf("%d judgments in %s (%.1f MiB)%n", s.judgments(), store, s.bytes() / (1024.0 * 1024.0));
        print(out, "protocol", s.byProtocol());
        print(out, "source", s.bySource());
        print(out, "model", s.byModel());
        out.printf("  no verdict: %d%n  verdict label only (no critique text): %d%n", s.noVerdicts(), s.withoutRawOutput());
        return 0;
    }

    private static void print(PrintWriter out, String title, Map<String, Integer> counts) {
        counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.printf("  %s %s: %d%n", title, e.getKey(), e.getValue()));
    }
}
