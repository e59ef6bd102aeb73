package dev.autoj.cli;

import dev.autoj.engine.store.JudgmentStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code store stats}: what a store holds. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Count the judgments in a store per protocol, source and model.")
final class StoreStatsCommand extends AutojCommand {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Judgment store folder.")
    Path store;

    @Override
    void execute() {
        JudgmentStore.Stats s = StoreCommand.existing(store).stats();
        PrintWriter out = out();
        out.printf("%d judgments in %s (%.1f MiB)%n", s.judgments(), store, s.bytes() / (1024.0 * 1024.0));
        print(out, "protocol", s.byProtocol());
        print(out, "source", s.bySource());
        print(out, "model", s.byModel());
        out.printf("  no verdict: %d%n  verdict label only (no critique text): %d%n", s.noVerdicts(), s.withoutRawOutput());
    }

    private static void print(PrintWriter out, String title, Map<String, Integer> counts) {
        counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.printf("  %s %s: %d%n", title, e.getKey(), e.getValue()));
    }
}
