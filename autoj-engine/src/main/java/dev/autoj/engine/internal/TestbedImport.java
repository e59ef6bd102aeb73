package dev.autoj.engine.internal;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.Prompt;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.protocol.VerdictParser;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.StoredJudgment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * Imports Auto-J-13B's published testbed outputs into a judgment store, keyed by the exact prompts
 * the original code builds, so that a replay judge configured with model {@value #MODEL_ID}
 * reproduces them. Not API; the {@code store import-testbed} command calls it.
 *
 * <p>The pairwise files publish only verdict labels: those records have no raw output and say so
 * in their note. The single-response records hold the real critique texts.
 */
public final class TestbedImport {

    /** The model id of the published outputs. */
    public static final String MODEL_ID = "GAIR/autoj-13b";
    /** The source of every imported record. */
    public static final String SOURCE = "published:auto-j-testbed";

    private static final int WRITERS = 8;

    /**
     * What an import did.
     *
     * @param pairwise pairwise records offered (two per item; identical prompts share one file)
     * @param single single-response records offered
     * @param added files written by this import
     * @param alreadyPresent records the store already held with the same output
     */
    public record Result(int pairwise, int single, int added, int alreadyPresent) {
    }

    private TestbedImport() {
    }

    /**
     * Imports the testbed at {@code testbed} into {@code store}.
     *
     * @throws dev.autoj.engine.store.StoreConflictException when the store holds a different output for one of the prompts
     */
    public static Result run(Path testbed, JudgmentStore store, Instant now) {
        return run(testbed, store, now, judgment -> true);
    }

    /**
     * Imports only the records {@code which} accepts, e.g. the keys a sample project replays; the
     * result counts only those.
     *
     * @throws dev.autoj.engine.store.StoreConflictException when the store holds a different output for one of the prompts
     */
    public static Result run(Path testbed, JudgmentStore store, Instant now, Predicate<StoredJudgment> which) {
        List<StoredJudgment> pairwise = new ArrayList<>();
        List<StoredJudgment> single = new ArrayList<>();
        for (AutoJTestbed.PairwiseItem item : AutoJTestbed.pairwise(testbed)) {
            for (boolean swapped : new boolean[] {false, true}) {
                String first = swapped ? item.response2() : item.response1();
                String second = swapped ? item.response1() : item.response2();
                Verdict verdict = swapped ? item.exchanged() : item.original();
                String file = swapped ? "pairwise_exchange_example_output.jsonl" : "pairwise_example_output.jsonl";
                Prompt prompt = PromptBuilder.pairwise(Language.EN, item.query(), first, second);
                Map<String, String> request = new LinkedHashMap<>();
                request.put("query", item.query());
                request.put("response_1", first);
                request.put("response_2", second);
                request.put("order", swapped ? "swapped" : "original");
                request.put("scenario", item.scenario().id());
                request.put("testbed_record", "testdata_pairwise.jsonl line " + (item.index() + 1));
                String note = "Published label only: " + file + " line " + (item.index() + 1) + " gives Auto-J-13B's verdict"
                        + " label " + verdict.label() + " for this prompt, not the judge's critique text, so raw_output is null.";
                pairwise.add(new StoredJudgment(MODEL_ID, Protocol.PAIRWISE, Language.EN,
                        GenerationRequest.AUTOJ_MAX_NEW_TOKENS, request, prompt.text(), null, note, ParsedVerdict.of(verdict),
                        SOURCE, null, -1, -1, now));
            }
        }
        for (AutoJTestbed.SingleItem item : AutoJTestbed.single(testbed)) {
            Prompt prompt = PromptBuilder.single(Language.EN, item.query(), item.response());
            Map<String, String> request = new LinkedHashMap<>();
            request.put("query", item.query());
            request.put("response", item.response());
            request.put("scenario", item.scenario().id());
            request.put("testbed_record", "testdata_critique.jsonl line " + (item.index() + 1));
            String note = "Auto-J-13B's published judgment, critique_example_output.jsonl line " + (item.index() + 1)
                    + "; the testbed does not publish stop reasons or token counts.";
            single.add(new StoredJudgment(MODEL_ID, Protocol.SINGLE, Language.EN,
                    GenerationRequest.AUTOJ_MAX_NEW_TOKENS, request, prompt.text(), item.output(), note,
                    VerdictParser.parse(prompt, item.output()), SOURCE, null, -1, -1, now));
        }
        pairwise.removeIf(which.negate());
        single.removeIf(which.negate());
        List<StoredJudgment> all = new ArrayList<>(pairwise);
        all.addAll(single);
        int added = recordAll(store, all);
        return new Result(pairwise.size(), single.size(), added, all.size() - added);
    }

    /**
     * Records in parallel, because each write waits for the disk (the store syncs every file);
     * returns how many files this import wrote.
     */
    private static int recordAll(JudgmentStore store, List<StoredJudgment> judgments) {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<Boolean>> written = new ArrayList<>(judgments.size());
            for (StoredJudgment judgment : judgments) {
                written.add(pool.submit(() -> store.record(judgment) == judgment));
            }
            int added = 0;
            for (Future<Boolean> f : written) {
                added += f.get() ? 1 : 0;
            }
            return added;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Importing the testbed failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while importing the testbed; the files written so far are complete", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
