package dev.autoj.engine.conformance;

import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.ForwardingBackend;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.family.autoj.AutoJ;
import dev.autoj.engine.family.autoj.AutoJModel;
import dev.autoj.engine.store.StoreMode;
import dev.autoj.engine.report.Figures;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks that a judge reproduces Auto-J: it judges a small golden set of published Auto-J-13B
 * cases (10 pairwise items in both orders, 8 single-response ratings, shipped in the engine jar)
 * and compares its answers with the published ones. A wrong model, a quantised one, a chat
 * template on the server or sampling instead of greedy decoding shows up here, before it silently
 * changes every score of a run.
 *
 * <pre>{@code
 * ConformanceReport report = Conformance.check(judge);          // any judge, default tolerance
 * if (!report.conforms()) throw new ConformanceException(report);
 *
 * // what a test run does once, before its first judgment (throws in STRICT mode):
 * Conformance.beforeFirstJudgment(backend, StoreMode.RECORD, ConformanceMode.STRICT);
 * }</pre>
 *
 * <p>Pairwise verdicts must match in each order; ratings may differ by the {@link Tolerance}.
 *
 * <p>Conformance is per model. The golden set is Auto-J-13B's, so a run whose back end names
 * {@code GAIR/autoj-bilingual-6b} or {@code GAIR/autoj-13b-GPTQ-4bits} (which autoj has no published
 * outputs of) is not held to it: {@link #beforeFirstJudgment} says so in one warning and checks nothing.
 * Nor is a judge of another family (Prometheus 2). A model served under any other name is held to the 13B's
 * answers, as before.
 */
public final class Conformance {

    private static final System.Logger LOG = System.getLogger(Conformance.class.getName());
    private static final int REASON_PREVIEW = 100;

    private Conformance() {
    }

    /** Checks {@code judge} against the golden set with {@link Tolerance#DEFAULT}. */
    public static ConformanceReport check(Judge judge) {
        return check(judge, Tolerance.DEFAULT);
    }

    /**
     * Judges the golden set with {@code judge} (one batch of pairs, one of single responses) and
     * compares each answer with Auto-J-13B's published one.
     *
     * @throws dev.autoj.engine.backend.BackendException when the judge's back end cannot answer
     */
    public static ConformanceReport check(Judge judge, Tolerance tolerance) {
        Objects.requireNonNull(judge, "judge");
        Objects.requireNonNull(tolerance, "tolerance");
        GoldenSet golden = GoldenSet.load();
        List<Comparison> comparisons = judge.compareAll(golden.pairs().stream()
                .map(p -> new Judge.CompareRequest(p.query(), p.response1(), p.response2(), p.scenario()))
                .toList());
        List<Judgment> grades = judge.gradeAll(golden.singles().stream()
                .map(s -> new Judge.GradeRequest(s.query(), s.response(), s.scenario()))
                .toList());
        List<CaseResult> cases = new ArrayList<>();
        int fromStore = 0;
        for (int i = 0; i < golden.pairs().size(); i++) {
            GoldenSet.Pair pair = golden.pairs().get(i);
            Comparison comparison = comparisons.get(i);
            cases.add(verdictCase(pair, "original", pair.original(), comparison.original()));
            cases.add(verdictCase(pair, "swapped", pair.swapped(), comparison.swapped()));
            fromStore += fromStore(comparison.original()) + fromStore(comparison.swapped());
        }
        for (int i = 0; i < golden.singles().size(); i++) {
            GoldenSet.Single single = golden.singles().get(i);
            Judgment judgment = grades.get(i);
            cases.add(ratingCase(single, judgment, tolerance));
            fromStore += fromStore(judgment);
        }
        return new ConformanceReport(cases, tolerance, fromStore);
    }

    /**
     * The check a run makes once, before its first judgment, on the back end that will judge it.
     * Skipped (empty) when {@code mode} is {@code OFF} or the store mode is {@code REPLAY}: replayed
     * judgments are whatever was recorded, and no model is there to check. Otherwise the golden set
     * goes straight to {@code backend} (never to a store, so it is neither answered from nor recorded
     * into one) with Auto-J's 1024-token budget; {@code backend} is not closed. The golden set is
     * Auto-J-13B's: a back end serving an Auto-J model without one ({@link #hasGoldenSet(String)} false,
     * by {@link Backend#modelId()}) is not asked anything; one warning says so and the result is empty.
     *
     * @return the report, when the check ran and the judge conforms or {@code mode} is {@code WARN}
     * @throws ConformanceException in {@code STRICT} mode when the judge does not conform
     */
    public static Optional<ConformanceReport> beforeFirstJudgment(Backend backend, StoreMode storeMode, ConformanceMode mode) {
        Objects.requireNonNull(storeMode, "storeMode");
        Objects.requireNonNull(mode, "mode");
        if (mode == ConformanceMode.OFF || storeMode == StoreMode.REPLAY) {
            return Optional.empty();
        }
        Objects.requireNonNull(backend, "backend");
        JudgeFamily family = JudgeFamilies.judging(backend.modelId());
        if (family != JudgeFamilies.AUTOJ) {
            LOG.log(System.Logger.Level.WARNING, noGoldenSet(backend.modelId() + ", a " + family.name() + " judge",
                    "no published outputs of it are shipped, and Auto-J's prompts mean nothing to it", mode));
            return Optional.empty();
        }
        Optional<AutoJModel> model = AutoJ.model(backend.modelId());
        if (model.isPresent() && !model.get().hasGoldenSet()) {
            LOG.log(System.Logger.Level.WARNING, noGoldenSet(model.get(), mode));
            return Optional.empty();
        }
        Judge live = Judges.builder().backend(new Unclosed(backend)).mode(StoreMode.LIVE).build();
        ConformanceReport report = check(live);
        if (report.conforms()) {
            LOG.log(System.Logger.Level.INFO, report.describe());
        } else if (mode == ConformanceMode.STRICT) {
            throw new ConformanceException(report);
        } else {
            LOG.log(System.Logger.Level.WARNING, "judge does not reproduce Auto-J (autoj.conformance=warn, the run goes on): "
                    + report.describe());
        }
        return Optional.of(report);
    }

    /**
     * Whether the run's conformance check can hold {@code modelId} to published answers: false for an
     * Auto-J model whose own outputs autoj does not ship (the bilingual 6B, the GPTQ build); true for
     * Auto-J-13B and for any id autoj does not know (such a judge is held to Auto-J-13B's answers, as it
     * always was: a server or folder may well serve the 13B under another name).
     */
    public static boolean hasGoldenSet(String modelId) {
        return JudgeFamilies.judging(modelId) == JudgeFamilies.AUTOJ
                && AutoJ.model(modelId).map(AutoJModel::hasGoldenSet).orElse(true);
    }

    /** The one line a run logs at start when its model has no golden set. */
    static String noGoldenSet(AutoJModel model, ConformanceMode mode) {
        return noGoldenSet(model.id(), model.caveat(), mode);
    }

    private static String noGoldenSet(String model, String caveat, ConformanceMode mode) {
        return "conformance: no golden set for " + model + " (" + caveat + "); the shipped golden set holds "
                + "Auto-J-13B's published outputs and another model is not held to them, so nothing is checked"
                + (mode == ConformanceMode.STRICT ? " (autoj.conformance=strict cannot fail this run)" : "")
                + ". Check its judgments yourself, e.g. by comparing a recorded run with your own labels.";
    }

    private static CaseResult verdictCase(GoldenSet.Pair pair, String order, Verdict expected, Judgment judgment) {
        boolean same = judgment.verdict() == expected;
        return new CaseResult("pairwise line " + pair.line() + ", " + order + " order", Protocol.PAIRWISE, pair.scenario(),
                pair.query(), Figures.verdict(expected),
                judgment.verdict() != null ? Figures.verdict(judgment.verdict()) : noVerdict(judgment),
                same, same);
    }

    private static CaseResult ratingCase(GoldenSet.Single single, Judgment judgment, Tolerance tolerance) {
        Double rating = judgment.rating();
        boolean exact = rating != null && rating == single.rating();
        boolean within = rating != null && Math.abs(rating - single.rating()) <= tolerance.ratingDistance();
        return new CaseResult("single line " + single.line(), Protocol.SINGLE, single.scenario(), single.query(),
                "rating " + Figures.rating(single.rating()),
                rating != null ? "rating " + Figures.rating(rating) : noVerdict(judgment), within, exact);
    }

    private static String noVerdict(Judgment judgment) {
        String reason = judgment.noVerdictReason() == null ? "no reason given" : judgment.noVerdictReason();
        return "no verdict (" + (reason.length() > REASON_PREVIEW ? reason.substring(0, REASON_PREVIEW) + "…" : reason) + ")";
    }

    private static int fromStore(Judgment judgment) {
        return judgment.provenance().isReplay() ? 1 : 0;
    }

    /** The run's back end lent to the check's own judge, which must not close it. */
    private record Unclosed(Backend delegate) implements ForwardingBackend {
        @Override
        public void close() {
            // The run owns the back end and closes it when the run ends.
        }
    }
}
