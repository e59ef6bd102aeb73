package dev.autoj.engine.internal;

import dev.autoj.engine.Classification;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Provenance;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.Sampling;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.engine.backend.TokenCounter;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.protocol.CutOff;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.Prompt;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.store.JudgmentStore;
import dev.autoj.engine.store.ReplayMissException;
import dev.autoj.engine.store.StoreConflictException;
import dev.autoj.engine.store.StoreException;
import dev.autoj.engine.store.StoreMode;
import dev.autoj.engine.store.StoreWriteException;
import dev.autoj.engine.store.StoredJudgment;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The judge behind {@link dev.autoj.engine.Judges}: asks the judge family of its model id
 * ({@link JudgeFamilies#judging}) for the prompts, answers them from the judgment store or the back end, and
 * has the family read the outputs. Not API; construct it through {@code Judges}.
 *
 * <p>Thread-safe: it holds no mutable state besides a concurrent set of already-logged warnings and
 * a flag for the one language warning, and back ends and stores are thread-safe by contract. Concurrent callers each send their own
 * batch to the back end.
 */
public final class StandardJudge implements Judge {

    /** Auto-J's scenario classifier answers with one name: 30 new tokens, as in the original. */
    public static final int CLASSIFIER_MAX_NEW_TOKENS = 30;

    private static final System.Logger LOG = System.getLogger(StandardJudge.class.getName());
    private static final String LABEL_ONLY_WARNING = "Verdict label only: the store holds this verdict without"
            + " the judge's critique text, so there is no critique to show.";

    /**
     * Validated settings of a judge.
     *
     * @param backend the judge model's back end; null only in replay mode
     * @param modelId the judge model id used in store keys
     * @param classifier the scenario classifier's back end, or null
     * @param classifierModelId the classifier's model id, or null when there is no classifier
     * @param store the judgment store, or null in live mode
     * @param mode how the store is used
     * @param maxNewTokens the judge's token budget
     * @param warningListener receives every warning the judge raises besides logging it
     * @param clock the time stamped on recorded judgments
     * @param tokenCounter counts prompt tokens with the judge's tokenizer, or null (then only a prompt whose
     *     length alone proves it too long is refused)
     * @param contextWindow the judge's context window in tokens, prompt and budget together; 0 when unknown
     *     (nothing is refused before sending: the back end checks, as the embedded engine does)
     * @param sampling the judge's sampling, or null for greedy decoding (checked by {@code Judges})
     */
    public record Settings(Backend backend, String modelId, Backend classifier, String classifierModelId,
                           JudgmentStore store, StoreMode mode, int maxNewTokens, Consumer<String> warningListener,
                           Clock clock, TokenCounter tokenCounter, int contextWindow, Sampling sampling) {
    }

    private final Settings settings;
    private final Set<String> loggedWarnings = ConcurrentHashMap.newKeySet();
    private final UntrainedLanguage untrainedLanguage;
    private final JudgeFamily family;

    public StandardJudge(Settings settings) {
        this.settings = settings;
        this.untrainedLanguage = new UntrainedLanguage(settings.modelId());
        this.family = JudgeFamilies.judging(settings.modelId());
        JudgeFamilies.unknownModelNote(settings.modelId()).ifPresent(note -> LOG.log(System.Logger.Level.INFO, note));
    }

    @Override
    public JudgeFamily family() {
        return family;
    }

    @Override
    public String modelId() {
        return settings.modelId();
    }

    @Override
    public List<Comparison> compareAll(List<CompareRequest> requests) {
        RequestChecks.requireList(requests, "compareAll");
        List<Pending> pending = new ArrayList<>(requests.size() * 2);
        for (int i = 0; i < requests.size(); i++) {
            CompareRequest r = requests.get(i);
            String label = label("compare", i, requests.size());
            pending.add(pairwise(r, i, false, label + " (original order)"));
            pending.add(pairwise(r, i, true, label + " (swapped order)"));
        }
        List<Judgment> judgments = judgeCompared(requests, pending);
        List<Comparison> comparisons = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            comparisons.add(Comparison.of(judgments.get(2 * i), judgments.get(2 * i + 1)));
        }
        return List.copyOf(comparisons);
    }

    @Override
    public List<Judgment> compareInGivenOrderAll(List<CompareRequest> requests) {
        RequestChecks.requireList(requests, "compareInGivenOrderAll");
        return judgeCompared(requests, onePromptEach(requests,
                (r, i) -> pairwise(r, i, false, label("compare", i, requests.size()))));
    }

    private List<Judgment> judgeCompared(List<CompareRequest> requests, List<Pending> pending) {
        return judgeAll(pending, requests.stream().map(CompareRequest::scenario).toList(),
                requests.stream().map(CompareRequest::query).toList());
    }

    /** The family's pairwise prompt of {@code r} (checked here) in the given order, or with the responses swapped. */
    private Pending pairwise(CompareRequest r, int index, boolean swapped, String label) {
        RequestChecks.validate(r, index);
        Prompt prompt = asking(label, () -> family.comparePrompt(r, swapped));
        return Pending.of(prompt, index, label, "order", swapped ? "swapped" : "original", "scenario", scenarioId(r.scenario()));
    }

    /** The family's prompt; a request it cannot take is refused under the request's label, before any model call. */
    private Prompt asking(String label, java.util.function.Supplier<Prompt> build) {
        try {
            return build.get();
        } catch (JudgeFamily.InvalidRequestException e) {
            throw new JudgeFamily.InvalidRequestException(e.field(), label + " to " + settings.modelId() + " ("
                    + family.name() + "): " + e.problem(), e.fix());
        }
    }

    @Override
    public List<Judgment> gradeAll(List<GradeRequest> requests) {
        RequestChecks.requireList(requests, "gradeAll");
        List<Pending> pending = onePromptEach(requests, (r, i) -> {
            RequestChecks.validate(r, i);
            String label = label("grade", i, requests.size());
            return Pending.of(asking(label, () -> family.gradePrompt(r)), i, label, "scenario", scenarioId(r.scenario()));
        });
        return judgeAll(pending, requests.stream().map(GradeRequest::scenario).toList(),
                requests.stream().map(GradeRequest::query).toList());
    }

    /** One prompt per request, built in order: a request that fails its checks stops the call there. */
    private static <R> List<Pending> onePromptEach(List<R> requests, BiFunction<R, Integer, Pending> prompt) {
        List<Pending> pending = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            pending.add(prompt.apply(requests.get(i), i));
        }
        return pending;
    }

    /** How messages name the {@code index}-th request of a call, e.g. {@code grade request 2 of 5}. */
    private static String label(String kind, int index, int count) {
        return kind + " request " + (index + 1) + " of " + count;
    }

    /**
     * The one judging pipeline: the requests' scenarios (missing ones classified in one batch), then every
     * prompt answered ({@link #resolve}), then one judgment per prompt.
     *
     * @param given the scenario of each request, null where the request named none
     * @param queries the query of each request, for the classifier
     */
    private List<Judgment> judgeAll(List<Pending> pending, List<Scenario> given, List<String> queries) {
        List<Scenario> scenarios = scenarios(given, queries);
        untrainedLanguage.firstWarning(pending.stream().map(p -> p.prompt().language()).toList()).ifPresent(this::warn);
        List<Outcome> outcomes = resolve(pending, settings.backend(), settings.modelId(), settings.maxNewTokens(),
                settings.sampling(), "judge");
        List<Judgment> judgments = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            judgments.add(judgment(pending.get(i).prompt(), scenarios.get(pending.get(i).index()), outcomes.get(i)));
        }
        return List.copyOf(judgments);
    }

    @Override
    public Scenario classify(String query) {
        RequestChecks.requireText(query, "query", "classify");
        return classifyAll(List.of(query)).get(0).scenario();
    }

    @Override
    public boolean hasClassifier() {
        return settings.classifierModelId() != null;
    }

    @Override
    public List<Classification> classifyAll(List<String> queries) {
        if (queries == null) {
            throw new IllegalArgumentException("classifyAll: queries must not be null");
        }
        for (int i = 0; i < queries.size(); i++) {
            RequestChecks.requireText(queries.get(i), "query " + i, "classifyAll");
        }
        if (!hasClassifier()) {
            throw new UnsupportedOperationException("No scenario classifier is configured: name the scenario in the request,"
                    + " or build the judge with Judges.builder().classifier(backend) (or classifierModelId(id) to replay"
                    + " recorded classifications).");
        }
        List<Pending> pending = onePromptEach(queries,
                (query, i) -> Pending.of(PromptBuilder.scenario(query), i, label("classify", i, queries.size())));
        List<Outcome> outcomes = resolve(pending, settings.classifier(), settings.classifierModelId(),
                CLASSIFIER_MAX_NEW_TOKENS, null, "scenario classifier");
        List<Classification> classifications = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            Outcome outcome = outcomes.get(i);
            String raw = outcome.raw() == null ? "" : outcome.raw();
            Optional<Scenario> found = Scenario.find(raw.strip());
            List<String> warnings = new ArrayList<>();
            if (outcome.stopReason() == StopReason.REJECTED) {
                warnings.add("The scenario classifier (" + settings.classifierModelId() + ") could not classify the query \""
                        + preview(queries.get(i), 60) + "\", so the scenario is 'default': " + outcome.note());
            } else if (found.isEmpty()) {
                warnings.add("The scenario classifier (" + settings.classifierModelId() + ") answered \"" + preview(raw.strip(), 60)
                        + "\" for the query \"" + preview(queries.get(i), 60) + "\"; that is not one of the 60 scenario"
                        + " names, so the scenario is 'default'. Name the scenario in the request to avoid guessing.");
            }
            warnings.forEach(this::warn);
            classifications.add(new Classification(queries.get(i), found.orElse(Scenario.DEFAULT), raw, warnings,
                    outcome.provenance()));
        }
        return classifications;
    }

    /**
     * Request scenarios, with missing ones classified (all in one batch) or 'default' without a classifier; a family
     * to which scenarios mean nothing (Prometheus 2) has none classified: 'default' where none was named.
     */
    private List<Scenario> scenarios(List<Scenario> given, List<String> queries) {
        if (!family.scenariosApply()) {
            return given.stream().map(s -> s != null ? s : Scenario.DEFAULT).toList();
        }
        List<String> toClassify = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            if (given.get(i) == null) {
                toClassify.add(queries.get(i));
            }
        }
        if (toClassify.isEmpty()) {
            return given;
        }
        List<Scenario> classified = settings.classifierModelId() == null
                ? toClassify.stream().map(q -> Scenario.DEFAULT).toList()
                : classifyAll(toClassify).stream().map(Classification::scenario).toList();
        List<Scenario> result = new ArrayList<>(given.size());
        int next = 0;
        for (Scenario s : given) {
            result.add(s != null ? s : classified.get(next++));
        }
        return result;
    }

    /**
     * A prompt to answer for the {@code index}-th request of a call, the request as recorded in the store and how
     * messages name it, e.g. {@code grade request 2 of 5}.
     */
    private record Pending(Prompt prompt, Map<String, String> request, String label, int index) {

        /** The recorded request is the prompt's judged texts, named once by the prompt, then {@code more} fields. */
        static Pending of(Prompt prompt, int index, String label, String... more) {
            Map<String, String> request = StoredJudgment.requestFields(prompt.judgedTexts());
            for (int i = 0; i < more.length; i += 2) {
                request.put(more[i], more[i + 1]);
            }
            return new Pending(prompt, request, label, index);
        }
    }

    /**
     * The judge's answer to one prompt, live or replayed, with its verdict read once. {@code raw} is null for a
     * stored verdict label (the published pairwise outputs), whose {@code verdict} is then the label and whose
     * {@code note} says where the label comes from. A prompt the back end rejected has an empty {@code raw}, stop
     * reason {@code REJECTED} and the back end's reason as {@code note}. {@code verdict} is null for the scenario
     * classifier's answers, which are not verdicts.
     */
    private record Outcome(String raw, ParsedVerdict verdict, StopReason stopReason, int promptTokens,
                           int generatedTokens, Duration latency, Provenance provenance, String note, boolean sent) {

        /** This outcome with its output read for {@code prompt} by {@code family}: parsed, or a no-verdict saying why there is none. */
        Outcome read(Prompt prompt, int maxNewTokens, JudgeFamily family) {
            if (raw == null || prompt.protocol() == Protocol.SCENARIO) {
                return this;
            }
            return new Outcome(raw, interpret(prompt, this, maxNewTokens, family), stopReason, promptTokens, generatedTokens,
                    latency, provenance, note, sent);
        }
    }

    /**
     * Answers every prompt: store hits first (record and replay modes), then all remaining distinct
     * prompts in one back-end batch, recorded in record mode.
     */
    private List<Outcome> resolve(List<Pending> pending, Backend backend, String modelId, int maxNewTokens, Sampling sampling,
            String role) {
        Outcome[] outcomes = new Outcome[pending.size()];
        JudgmentStore store = settings.mode() == StoreMode.LIVE ? null : settings.store();
        if (store != null) {
            for (int i = 0; i < pending.size(); i++) {
                Prompt prompt = pending.get(i).prompt();
                String key = JudgmentStore.key(modelId, prompt.protocol(), prompt.language(), prompt.text(), maxNewTokens, sampling);
                Optional<StoredJudgment> hit = store.find(key);
                if (hit.isPresent()) {
                    outcomes[i] = replayed(hit.get()).read(prompt, maxNewTokens, family);
                } else if (settings.mode() == StoreMode.REPLAY) {
                    throw new ReplayMissException(key, store, modelId, prompt);
                }
            }
        }
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        for (int i = 0; i < pending.size(); i++) {
            if (outcomes[i] == null) {
                missing.computeIfAbsent(pending.get(i).prompt().text(), k -> new ArrayList<>()).add(i);
            }
        }
        if (missing.isEmpty()) {
            return List.of(outcomes);
        }
        if (backend == null) {
            throw new IllegalStateException("The store holds no answer of the " + role + " (" + modelId + ") for "
                    + missing.size() + " prompt(s), and the " + role + " has no back end to ask in " + settings.mode()
                    + " mode; configure its back end in Judges.builder() or record these prompts first");
        }
        // A prompt that cannot fit the context window with the budget is refused here, never sent: a no-verdict
        // judgment of its own (not recorded), while the rest of the batch is judged.
        for (var it = missing.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            Pending first = pending.get(entry.getValue().get(0));
            Outcome refused = refuseIfTooLong(first, backend, modelId, maxNewTokens, role);
            refused = refused == null ? null : refused.read(first.prompt(), maxNewTokens, family);
            if (refused != null) {
                for (int i : entry.getValue()) {
                    outcomes[i] = refused;
                }
                it.remove();
            }
        }
        if (missing.isEmpty()) {
            return List.of(outcomes);
        }
        List<GenerationRequest> batch = missing.keySet().stream().map(p -> new GenerationRequest(p, maxNewTokens, sampling)).toList();
        List<Generation> generations = Asking.ask(backend, batch, missing.values().stream()
                .map(indexes -> pending.get(indexes.get(0)).prompt()).toList(), family,
                sampling == null ? 1 : Sampling.PROMETHEUS_LIBRARY_ASKS, role);
        int g = 0;
        List<StoredJudgment> unsaved = new ArrayList<>();
        StoreException writeFailure = null;
        StoreConflictException conflict = null;
        for (List<Integer> indexes : missing.values()) {
            Generation generation = generations.get(g++);
            Pending first = pending.get(indexes.get(0));
            // A rejected prompt (e.g. too long for the server) is a no-verdict judgment of its own; the rest of the
            // batch keeps its judgments. It is not recorded: the server's limits may change, the prompt's judgment not.
            Outcome live = new Outcome(generation.text(), null, generation.stopReason(), generation.promptTokens(),
                    generation.generatedTokens(), generation.latency(), Provenance.live(backend.name()), generation.rejection(),
                    true).read(first.prompt(), maxNewTokens, family);
            if (store != null && !generation.isRejected()) {
                Prompt prompt = first.prompt();
                StoredJudgment recorded = new StoredJudgment(modelId, prompt.protocol(), prompt.language(), maxNewTokens,
                        first.request(), prompt.text(), generation.text(), null, live.verdict(), live.provenance().describe(),
                        generation.stopReason(), generation.promptTokens(), generation.generatedTokens(),
                        settings.clock().instant(), sampling);
                // Every answer of the batch is offered to the store before any failure is raised:
                // one bad shard folder must not cost the judgments that fit elsewhere.
                try {
                    store.record(recorded);
                } catch (StoreConflictException e) {
                    conflict = conflict == null ? e : conflict;
                } catch (StoreException e) {
                    unsaved.add(recorded);
                    writeFailure = writeFailure == null ? e : writeFailure;
                }
            }
            for (int i : indexes) {
                outcomes[i] = live;
            }
        }
        if (writeFailure != null) {
            StoreWriteException kept = store.keepUnsaved(unsaved, batch.size(), writeFailure);
            if (conflict != null) {
                kept.addSuppressed(conflict);
            }
            throw kept;
        }
        if (conflict != null) {
            throw conflict;
        }
        return List.of(outcomes);
    }

    private static Outcome replayed(StoredJudgment stored) {
        return new Outcome(stored.rawOutput(), stored.result(), stored.stopReason(), stored.promptTokens(),
                stored.generatedTokens(), Duration.ZERO, Provenance.replayed(stored.source()), stored.note(), true);
    }

    /**
     * The refusal of a prompt that cannot fit the context window with {@code maxNewTokens}, or null when it may
     * fit (or the window is unknown); see {@link ContextWindow}.
     */
    private Outcome refuseIfTooLong(Pending pending, Backend backend, String modelId, int maxNewTokens, String role) {
        String query = pending.request().getOrDefault("query", pending.request().get("instruction"));
        ContextWindow.Refusal refusal = ContextWindow.refusal(pending.prompt().text(), settings.tokenCounter(),
                settings.contextWindow(), maxNewTokens, "not sent to the " + role + " (" + modelId + "): the prompt of "
                + pending.label() + (query == null ? "" : " (query \"" + preview(query, 60) + "\")"));
        if (refusal == null) {
            return null;
        }
        if (pending.prompt().protocol() != Protocol.SCENARIO) {
            warn(refusal.reason()); // the classifier's refusals are warned where its answers are read
        }
        return new Outcome("", null, StopReason.REJECTED, refusal.countedTokens(), 0, Duration.ZERO,
                Provenance.notSent(backend.name()), refusal.reason(), false);
    }

    private Judgment judgment(Prompt prompt, Scenario scenario, Outcome outcome) {
        ParsedVerdict parsed = outcome.verdict();
        List<String> warnings = new ArrayList<>(prompt.warnings());
        warnings.addAll(parsed.warnings());
        // A label without a critique is a fact about the source, not a problem with the judged texts: a note.
        Provenance provenance = outcome.raw() == null
                ? outcome.provenance().withNote(outcome.note() != null ? outcome.note() : LABEL_ONLY_WARNING) : outcome.provenance();
        String raw = outcome.raw() == null ? "" : outcome.raw();
        return new Judgment(prompt.protocol(), prompt.language(), scenario, parsed.verdict(), parsed.rating(),
                parsed.noVerdictReason(), raw.strip(), raw, prompt.sha256(), settings.modelId(), outcome.provenance().backend(),
                provenance, outcome.promptTokens(), outcome.generatedTokens(), outcome.latency(), warnings, prompt);
    }

    /**
     * Reads an output by the family's reader (Auto-J's skips verdict markers the judge copied from the judged
     * texts); a cut-off generation without a verdict says why it was cut.
     */
    private static ParsedVerdict interpret(Prompt prompt, Outcome outcome, int maxNewTokens, JudgeFamily family) {
        if (outcome.stopReason() == StopReason.REJECTED) {
            return ParsedVerdict.noVerdict(outcome.sent()
                    ? "the judge's server rejected this prompt, so there is no judgment: " + outcome.note()
                    : "the prompt is too long for the judge, so there is no judgment: " + outcome.note());
        }
        ParsedVerdict parsed = family.readOutput(prompt, outcome.raw());
        String cut = CutOff.reason(outcome.stopReason(), parsed, outcome.generatedTokens(), maxNewTokens);
        return cut == null ? parsed : ParsedVerdict.noVerdict(cut);
    }

    private void warn(String message) {
        if (loggedWarnings.add(message)) {
            LOG.log(System.Logger.Level.WARNING, message);
        }
        if (settings.warningListener() != null) {
            settings.warningListener().accept(message);
        }
    }

    private static String scenarioId(Scenario scenario) {
        return scenario == null ? null : scenario.id();
    }

    private static String preview(String text, int max) {
        String oneLine = text.replace("\n", "\\n");
        return oneLine.length() > max ? oneLine.substring(0, max) + "…" : oneLine;
    }

    @Override
    public void close() {
        try {
            if (settings.backend() != null) {
                settings.backend().close();
            }
        } finally {
            try {
                if (settings.classifier() != null && settings.classifier() != settings.backend()) {
                    settings.classifier().close();
                }
            } finally {
                if (settings.tokenCounter() != null) {
                    settings.tokenCounter().close();
                }
            }
        }
    }
}
