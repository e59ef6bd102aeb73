package dev.autoj.cli;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.internal.AutoJTestbed;
import dev.autoj.engine.internal.TestbedImport;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoreMode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code store bench}: replay throughput of a judge on a store holding the imported testbed. It
 * replays every pairwise item in both orders and every single-response item through the judge
 * path (prompts built, keys computed, files read, verdicts parsed) and prints judgments per second.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure replay throughput (judgments/s) on a store that holds the imported Auto-J testbed"
                + " (run `store import-testbed` first). Prints, per round, the rate and the pairwise agreement and"
                + " consistency of the replayed verdicts."})
final class StoreBenchCommand extends AutojCommand {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Judgment store folder holding the imported testbed.")
    Path store;

    @Option(names = "--testbed", required = true, paramLabel = "DIR", description = "The Auto-J testbed folder the store was imported from.")
    Path testbed;

    @Option(names = "--threads", description = "Concurrent callers (default: available processors).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--rounds", description = "Rounds to run; the first one warms file cache and JIT (default: 5).")
    int rounds = 5;

    @Option(names = "--batch", description = "Requests per judge call (default: 32).")
    int batch = 32;

    @Override
    void execute() {
        PrintWriter out = out();
        if (threads < 1 || rounds < 1 || batch < 1) {
            throw new ParameterException(spec.commandLine(), "--threads, --rounds and --batch must be at least 1");
        }
        JudgmentStore judgmentStore = StoreCommand.existing(store);
        List<AutoJTestbed.PairwiseItem> pairwise;
        List<AutoJTestbed.SingleItem> single;
        try {
            pairwise = AutoJTestbed.pairwise(StoreCommand.testbed(testbed));
            single = AutoJTestbed.single(testbed);
        } catch (IllegalArgumentException e) {
            throw StoreCommand.badTestbed(testbed, e);
        }
        List<List<Judge.CompareRequest>> compareChunks = chunks(pairwise.stream()
                .map(i -> new Judge.CompareRequest(i.query(), i.response1(), i.response2(), i.scenario())).toList());
        List<List<Judge.GradeRequest>> gradeChunks = chunks(single.stream()
                .map(i -> new Judge.GradeRequest(i.query(), i.response(), i.scenario())).toList());
        int judgments = 2 * pairwise.size() + single.size();
        out.printf("Replaying %d judgments per round from %s with %d threads, %d requests per call.%n",
                judgments, store, threads, batch);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Judge judge = Judges.builder().modelId(TestbedImport.MODEL_ID)
                .store(judgmentStore).mode(StoreMode.REPLAY).build()) {
            for (int round = 1; round <= rounds; round++) {
                long start = System.nanoTime();
                List<Future<List<Comparison>>> compared = new ArrayList<>();
                for (List<Judge.CompareRequest> chunk : compareChunks) {
                    compared.add(pool.submit(() -> judge.compareAll(chunk)));
                }
                List<Future<?>> graded = new ArrayList<>();
                for (List<Judge.GradeRequest> chunk : gradeChunks) {
                    graded.add(pool.submit(() -> judge.gradeAll(chunk)));
                }
                List<Comparison> comparisons = new ArrayList<>(pairwise.size());
                for (Future<List<Comparison>> f : compared) {
                    comparisons.addAll(f.get());
                }
                for (Future<?> f : graded) {
                    f.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                int agree = 0;
                int consistent = 0;
                for (int i = 0; i < comparisons.size(); i++) {
                    Comparison c = comparisons.get(i);
                    consistent += c.consistent() ? 1 : 0;
                    agree += c.consistent() && c.combined() == pairwise.get(i).human() ? 1 : 0;
                }
                out.printf("round %d: %,.0f judgments/s (%.3f s)%s; pairwise agreement %.2f, consistency %.2f%n",
                        round, judgments / seconds, seconds, round == 1 ? ", cold" : "",
                        100.0 * agree / comparisons.size(), 100.0 * consistent / comparisons.size());
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("Replay failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private <T> List<List<T>> chunks(List<T> all) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < all.size(); i += batch) {
            chunks.add(all.subList(i, Math.min(all.size(), i + batch)));
        }
        return chunks;
    }
}
