package dev.autoj.cli;

import dev.autoj.engine.answers.AnswerStore;
import dev.autoj.engine.answers.RecordedAnswer;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreException;
import dev.autoj.engine.store.StoreFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;

/** {@code store stats}: what a store holds, judgments and recorded answers. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Count the judgments in a store per protocol, source and model, and the recorded answers per model"
                + " under test and source.")
final class StoreStatsCommand extends StoreFolderCommand {

    @Override
    void execute() {
        JudgmentStore.Stats s = judgments().stats();
        PrintWriter out = out();
        out.printf("%d judgments in %s (%.1f MiB)%n", s.judgments(), store, s.bytes() / (1024.0 * 1024.0));
        print(out, "protocol", s.byProtocol());
        print(out, "source", s.bySource());
        print(out, "model", s.byModel());
        out.printf("  no verdict: %d%n  verdict label only (no critique text): %d%n", s.noVerdicts(), s.withoutRawOutput());
        answers(out);
    }

    /** Reads every answer file and counts it; a damaged one fails naming it, as a damaged judgment does. */
    private void answers(PrintWriter out) {
        AnswerStore answers = AnswerStore.in(store);
        Map<String, Integer> byModel = new TreeMap<>();
        Map<String, Integer> bySource = new TreeMap<>();
        long bytes = 0;
        int total = 0;
        for (Path file : answers.files()) {
            RecordedAnswer a = answers.read(file);
            try {
                bytes += Files.size(file);
            } catch (IOException e) {
                throw new StoreException("Cannot read the answer file " + file + ": " + StoreFiles.why(e), e);
            }
            total++;
            byModel.merge(a.request().model(), 1, Integer::sum);
            bySource.merge(a.source(), 1, Integer::sum);
        }
        out.printf("%d recorded answers in %s (%.1f MiB)%n", total, answers.directory(), bytes / (1024.0 * 1024.0));
        print(out, "model under test", byModel);
        print(out, "answer source", bySource);
    }

    private static void print(PrintWriter out, String title, Map<String, Integer> counts) {
        counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.printf("  %s %s: %d%n", title, e.getKey(), e.getValue()));
    }
}
