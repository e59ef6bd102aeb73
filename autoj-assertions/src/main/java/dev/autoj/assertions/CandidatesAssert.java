package dev.autoj.assertions;

import static dev.autoj.assertions.ShouldBeBetterOnSet.shouldBeBetterOnSet;

import dev.autoj.assertions.SetStatistics.Counts;
import dev.autoj.assertions.SetStatistics.MeanBound;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.family.prometheus.Rubric;
import dev.autoj.engine.report.Figures;
import dev.autoj.engine.report.SetDecision;
import dev.autoj.engine.report.SetDecision.Decision;
import java.util.ArrayList;
import java.util.List;
import org.opentest4j.TestAbortedException;

/**
 * Decides a prompt change over a whole set of {@link PairedCase}s: every case is judged in both
 * orders and the decision is <b>pass</b>, <b>fail</b> or <b>inconclusive</b>.
 *
 * <pre>{@code
 * List<PairedCase> cases = PairedCases.fromClasspath("cases/summaries.jsonl");
 * assertThatCandidates(cases).isPreferredOverBaseline();
 * assertThatCandidates(cases).isNotWorseThanBaseline(0.05);
 * assertThatCandidates(cases).atSignificance(0.01).isPreferredOverBaseline();
 * assertThatCandidates(cases).sequentially(0.65).isPreferredOverBaseline();
 * // Prometheus 2 against your rubric (each case's reference_answer, if the file has one, goes with it):
 * assertThatCandidates(cases).withRubric(myRubric).isPreferredOverBaseline();
 * }</pre>
 *
 * <p><b>Rubric and reference answer.</b> {@link #withRubric(Rubric) withRubric(..)} applies to every case
 * (a comparison shows a {@code Rubric}'s criteria line, as the prometheus-eval library does; pass
 * {@code rubric.text()} to show it whole). A reference answer is a case's own
 * ({@link PairedCase#referenceAnswer()}, {@code reference_answer} in a case file) or, for the cases without one,
 * the one given with {@link #withReferenceAnswer(String)}; one given for the set when every case has its own is
 * refused, as it would apply to none. Every case's request is checked against the judge's family before any
 * case is judged: Prometheus 2 without a rubric, or Auto-J with a rubric or any reference answer, fails at once.
 *
 * <p><b>Case score.</b> Each order gives the candidate 1 (win), ½ (tie) or 0 (loss); the case
 * score is the mean of its two orders: 0, ¼, ½, ¾ or 1. A case where either order has no
 * verdict is <i>undecided</i>: left out of every statistic, counted and reported with the
 * parser's reason. A case whose orders disagree (one win, one loss) scores ½ and counts as a
 * position flip. Wins are decided cases scoring above ½, losses below ½, ties exactly ½.
 *
 * <p><b>{@link #isPreferredOverBaseline()}</b>, fixed sample: exact one-sided sign test,
 * p = P(X ≥ wins | X ~ Binomial(wins + losses, ½)). Pass when p &lt; α (default 0.05); fail
 * when wins ≤ losses; inconclusive otherwise. All cases are judged in one batch.
 *
 * <p><b>{@link #isNotWorseThanBaseline(double)}</b>: over the n decided cases with mean score
 * m and sample standard deviation s, L = m − t(1−α; n−1)·s/√n. Pass when L ≥ ½ − margin; fail
 * when m &lt; ½ − margin; inconclusive otherwise, and always when n &lt; 2.
 *
 * <p><b>{@link #sequentially(double) sequentially(p1)}</b> with {@code isPreferredOverBaseline}:
 * Wald's SPRT over the decided cases in the given order, ties skipped, H0: win share ½ against
 * H1: win share p1, α = β = the significance unless {@link #withPower(double)} sets β = 1 − power.
 * LLR = wins·ln(2·p1) + losses·ln(2·(1 − p1)); pass when LLR ≥ ln((1−β)/α), fail when
 * LLR ≤ ln(β/(1−α)), inconclusive when the cases run out. The decision is taken at the first
 * case where the LLR crosses a bound, whatever the chunking; cases are judged in chunks
 * ({@link #inChunksOf(int)}, default 16 cases = 32 prompts, each chunk one batch) and judging
 * stops after the chunk holding that case. Later cases are reported as not needed.
 *
 * <p><b>Inconclusive</b> throws {@link TestAbortedException} (the test is reported as
 * skipped/aborted, not passed) with the counts and the number of decided cases that would
 * detect the observed effect with power 0.8. {@link #failWhenInconclusive()}, or the setting
 * {@code autoj.inconclusive=fail} (extension configuration or system property; default
 * {@code abort}), makes it an assertion failure instead. Under soft assertions a failure is
 * collected; an inconclusive abort is still thrown at once.
 *
 * <p>Every outcome's message and {@link #result()} give the cases, wins/ties/losses/undecided,
 * position flips, the mean score with its lower bound, the win share among decided cases with
 * its two-sided (1 − α) Wilson interval, the p-value or LLR and bounds, the decision and which
 * cases were judged.
 */
public class CandidatesAssert extends AbstractCriteriaAssert<CandidatesAssert, List<PairedCase>> {

    static final int DEFAULT_CHUNK = 16;
    static final String INCONCLUSIVE_SETTING = "autoj.inconclusive";

    private double significance = 0.05;
    private Double power;
    private Double sequentialP1;
    private int chunkSize = DEFAULT_CHUNK;
    private Boolean failWhenInconclusive;
    private SetDecision result;

    /** Prefer {@link AutoJAssertions#assertThatCandidates(List)}; public for AssertJ's soft-assertion proxies. */
    public CandidatesAssert(List<PairedCase> cases) {
        super(cases, CandidatesAssert.class);
    }

    /** The significance level α, 0 &lt; α &lt; 0.5; default 0.05. */
    public CandidatesAssert atSignificance(double alpha) {
        this.significance = Messages.checked(alpha > 0 && alpha < 0.5, alpha, "atSignificance(alpha) takes 0 < alpha < 0.5, e.g. 0.05");
        return myself;
    }

    /**
     * Decides {@code isPreferredOverBaseline} with Wald's SPRT against the alternative that the
     * candidate wins {@code p1} of the non-tied cases (½ &lt; p1 &lt; 1), judging chunk by chunk
     * and stopping once decided.
     */
    public CandidatesAssert sequentially(double p1) {
        this.sequentialP1 = Messages.checked(p1 > 0.5 && p1 < 1, p1,
                "sequentially(p1) takes the win share to detect, 0.5 < p1 < 1, e.g. 0.65");
        return myself;
    }

    /** The SPRT's power 1 − β at p1 (0.5 &lt; power &lt; 1); default 1 − α. Only with {@link #sequentially(double)}. */
    public CandidatesAssert withPower(double power) {
        this.power = Messages.checked(power > 0.5 && power < 1, power, "withPower(power) takes 0.5 < power < 1, e.g. 0.8");
        return myself;
    }

    /** Cases per judge batch in a sequential test (default 16, i.e. 32 prompts); e.g. the judge's concurrency. */
    public CandidatesAssert inChunksOf(int cases) {
        this.chunkSize = Messages.checked(cases >= 1, cases, "inChunksOf(cases) takes at least 1 case");
        return myself;
    }

    /** An inconclusive decision fails the assertion instead of aborting the test. */
    public CandidatesAssert failWhenInconclusive() {
        this.failWhenInconclusive = true;
        return myself;
    }

    /** An inconclusive decision aborts the test (the default unless {@code autoj.inconclusive=fail}). */
    public CandidatesAssert abortWhenInconclusive() {
        this.failWhenInconclusive = false;
        return myself;
    }

    /**
     * Passes when the judge prefers the candidates over the baselines: by the exact sign test,
     * or by the SPRT after {@link #sequentially(double)}. See the class description.
     */
    public CandidatesAssert isPreferredOverBaseline() {
        return decide("isPreferredOverBaseline", sequentialP1 != null
                ? new SetMethod.Sequential(sequentialP1, power == null ? null : 1 - power) : new SetMethod.SignTest());
    }

    /**
     * Passes when the candidates are at most {@code margin} worse than the baselines in mean case
     * score (0 ≤ margin &lt; 0.5): the one-sided Student-t lower bound of the mean reaches ½ − margin.
     */
    public CandidatesAssert isNotWorseThanBaseline(double margin) {
        Messages.checked(margin >= 0 && margin < 0.5, margin,
                "isNotWorseThanBaseline(margin) takes a margin of mean case score, 0 <= margin < 0.5, e.g. 0.05");
        if (sequentialP1 != null) {
            throw new IllegalStateException("sequentially(p1) applies to isPreferredOverBaseline() only; "
                    + "isNotWorseThanBaseline(margin) judges every case");
        }
        return decide("isNotWorseThanBaseline", new SetMethod.NonInferiority(margin));
    }

    /**
     * The latest decision of this assertion: the record the reports and {@code summary.json} hold.
     *
     * @throws IllegalStateException before an expectation was evaluated
     */
    public SetDecision result() {
        if (result == null) {
            throw new IllegalStateException("result() is available after isPreferredOverBaseline() or isNotWorseThanBaseline(..)");
        }
        return result;
    }

    private CandidatesAssert decide(String assertion, SetMethod method) {
        isNotNull();
        if (actual.isEmpty()) {
            throw new IllegalArgumentException("assertThatCandidates(..) needs at least one paired case, got none");
        }
        if (power != null && !(method instanceof SetMethod.Sequential)) {
            throw new IllegalStateException("withPower(power) sets the SPRT's β; use it with sequentially(p1)");
        }
        Judge j = Resolve.judge(judge);
        List<Judge.CompareRequest> requests = requests(assertion);
        // Every case, also those a sequential test may not reach, before the first chunk is judged.
        checkRequests(j, assertion, requests, r -> j.family().comparePrompt(r, false),
                i -> "case " + actual.get(i).name(i));
        List<JudgedCase> results = new ArrayList<>();
        int chunk = method.chunk(actual.size(), chunkSize);
        for (int from = 0; from < actual.size(); from += chunk) {
            results.addAll(judgeCases(j, requests, from, Math.min(actual.size(), from + chunk)));
            if (method.decided(scores(results), significance)) {
                break;
            }
        }
        for (int i = results.size(); i < actual.size(); i++) {
            results.add(JudgedCase.notJudged(i, actual.get(i).name(i)));
        }
        result = summarize(assertion, method, results);
        report(assertion, method, results);
        // Asked only for an inconclusive decision: a bad autoj.inconclusive value must not break a pass.
        boolean inconclusiveFails = result.decision() == Decision.INCONCLUSIVE && Resolve.failWhenInconclusive(failWhenInconclusive);
        Resolve.reportSet(new SetReport(result, actual, results.stream().map(JudgedCase::comparison).toList(),
                inconclusiveFails));
        return conclude(inconclusiveFails);
    }

    /** Each case's request: its texts, the set's rubric, its own reference answer or else the set's. */
    private List<Judge.CompareRequest> requests(String assertion) {
        if (referenceAnswer != null && actual.stream().allMatch(c -> c.referenceAnswer() != null)) {
            throw new IllegalArgumentException(assertion + "(): every case has its own reference answer, so the one given with"
                    + " withReferenceAnswer(..) would apply to none; remove withReferenceAnswer(..), or the cases' own"
                    + " (reference_answer in the case file)");
        }
        String rubric = comparingRubric();
        List<Judge.CompareRequest> requests = new ArrayList<>();
        for (PairedCase c : actual) {
            requests.add(new Judge.CompareRequest(c.query(), c.candidate(), c.baseline(), c.scenario(), c.languageOrDefault(),
                    rubric, c.referenceAnswer() != null ? c.referenceAnswer() : referenceAnswer));
        }
        return requests;
    }

    /** Judges cases [from, to) in both orders as one batch. */
    private List<JudgedCase> judgeCases(Judge j, List<Judge.CompareRequest> requests, int from, int to) {
        List<Comparison> comparisons = j.compareAll(requests.subList(from, to));
        List<JudgedCase> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(JudgedCase.of(i, actual.get(i).name(i), comparisons.get(i - from)));
        }
        return out;
    }

    private static double[] scores(List<JudgedCase> results) {
        return results.stream().filter(JudgedCase::decided).mapToDouble(JudgedCase::score).toArray();
    }

    /** The figures every method shares, then the method's own decision. */
    private SetDecision summarize(String assertion, SetMethod method, List<JudgedCase> results) {
        double[] scores = scores(results);
        Counts counts = Counts.of(scores);
        MeanBound mean = MeanBound.of(scores, significance);
        int judged = (int) results.stream().filter(JudgedCase::judged).count();
        int flips = (int) results.stream().filter(JudgedCase::positionFlip).count();
        double[] wilson = SetStatistics.wilson(counts.wins(), counts.decided(), significance);
        double winShare = counts.decided() == 0 ? Double.NaN : (double) counts.wins() / counts.decided();
        SetMethod.Result decided = method.decide(new SetMethod.Sample(results, scores, counts, mean, significance));
        return new SetDecision(assertion, Decision.valueOf(decided.outcome().name()), decided.reason(),
                new SetDecision.Counts(actual.size(), judged, counts.wins(), counts.ties(), counts.losses(), judged - scores.length,
                        flips),
                new SetDecision.Mean(mean.mean(), mean.lower()), new SetDecision.WinShare(winShare, wilson[0], wilson[1]),
                decided.figures(), significance, decided.casesNeeded(), results.stream().map(JudgedCase::reported).toList());
    }

    /** Hands every judged case to the running session, like the other assertions' judgments. */
    private void report(String assertion, SetMethod method, List<JudgedCase> results) {
        boolean nonInferiority = method instanceof SetMethod.NonInferiority;
        String expectation = nonInferiority ? "case score at least ½ (the set: not worse than the baseline)"
                : "case score above ½ (the set: preferred over the baseline)";
        for (JudgedCase r : results) {
            if (!r.judged()) {
                continue;
            }
            PairedCase c = actual.get(r.index());
            boolean ok = r.decided() && (nonInferiority ? r.score() >= 0.5 : r.score() > 0.5);
            String failure = ok ? null : r.decided() ? "case " + r.name() + " scored " + Figures.number(r.score())
                    : "case " + r.name() + " is undecided: " + r.undecidedReason();
            // The set statistic averages both orders; BOTH is the per-case policy that judges both orders.
            Resolve.report(new JudgmentReport(assertion + "[" + r.name() + "]", expectation, c.query(), c.candidate(),
                    c.baseline(), r.comparison().original().scenario(), c.languageOrDefault(), PositionPolicy.BOTH,
                    r.comparison(), null, ok, failure));
        }
    }

    private CandidatesAssert conclude(boolean inconclusiveFails) {
        switch (result.decision()) {
            case PASS -> {
                return myself;
            }
            case FAIL -> throwAssertionError(shouldBeBetterOnSet(result));
            default -> {
                if (inconclusiveFails) {
                    throwAssertionError(shouldBeBetterOnSet(result));
                }
                throw new TestAbortedException(shouldBeBetterOnSet(result).create(info.description(), info.representation()));
            }
        }
        return myself;
    }
}
