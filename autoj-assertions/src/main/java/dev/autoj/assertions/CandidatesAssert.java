package dev.autoj.assertions;

import static dev.autoj.assertions.ShouldBeBetterOnSet.shouldBeBetterOnSet;

import dev.autoj.assertions.SetComparison.CaseResult;
import dev.autoj.assertions.SetComparison.Decision;
import dev.autoj.assertions.SetComparison.Method;
import dev.autoj.assertions.SetStatistics.Counts;
import dev.autoj.assertions.SetStatistics.MeanBound;
import dev.autoj.assertions.SetStatistics.Outcome;
import dev.autoj.assertions.SetStatistics.Sprt;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
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
 * }</pre>
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
public class CandidatesAssert extends AbstractJudgedAssert<CandidatesAssert, List<PairedCase>> {

    static final int DEFAULT_CHUNK = 16;
    static final String INCONCLUSIVE_SETTING = "autoj.inconclusive";

    private double significance = 0.05;
    private Double power;
    private Double sequentialP1;
    private int chunkSize = DEFAULT_CHUNK;
    private Boolean failWhenInconclusive;
    private SetComparison result;

    /** Prefer {@link AutoJAssertions#assertThatCandidates(List)}; public for AssertJ's soft-assertion proxies. */
    public CandidatesAssert(List<PairedCase> cases) {
        super(cases, CandidatesAssert.class);
    }

    /** The significance level α, 0 &lt; α &lt; 0.5; default 0.05. */
    public CandidatesAssert atSignificance(double alpha) {
        if (!(alpha > 0 && alpha < 0.5)) {
            throw new IllegalArgumentException("atSignificance(alpha) takes 0 < alpha < 0.5, e.g. 0.05, not " + alpha);
        }
        this.significance = alpha;
        return myself;
    }

    /**
     * Decides {@code isPreferredOverBaseline} with Wald's SPRT against the alternative that the
     * candidate wins {@code p1} of the non-tied cases (½ &lt; p1 &lt; 1), judging chunk by chunk
     * and stopping once decided.
     */
    public CandidatesAssert sequentially(double p1) {
        if (!(p1 > 0.5 && p1 < 1)) {
            throw new IllegalArgumentException("sequentially(p1) takes the win share to detect, 0.5 < p1 < 1, e.g. 0.65, not " + p1);
        }
        this.sequentialP1 = p1;
        return myself;
    }

    /** The SPRT's power 1 − β at p1 (0.5 &lt; power &lt; 1); default 1 − α. Only with {@link #sequentially(double)}. */
    public CandidatesAssert withPower(double power) {
        if (!(power > 0.5 && power < 1)) {
            throw new IllegalArgumentException("withPower(power) takes 0.5 < power < 1, e.g. 0.8, not " + power);
        }
        this.power = power;
        return myself;
    }

    /** Cases per judge batch in a sequential test (default 16, i.e. 32 prompts); e.g. the judge's concurrency. */
    public CandidatesAssert inChunksOf(int cases) {
        if (cases < 1) {
            throw new IllegalArgumentException("inChunksOf(cases) takes at least 1 case, not " + cases);
        }
        this.chunkSize = cases;
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
        return decide("isPreferredOverBaseline", sequentialP1 != null ? Method.SEQUENTIAL : Method.SIGN_TEST, Double.NaN);
    }

    /**
     * Passes when the candidates are at most {@code margin} worse than the baselines in mean case
     * score (0 ≤ margin &lt; 0.5): the one-sided Student-t lower bound of the mean reaches ½ − margin.
     */
    public CandidatesAssert isNotWorseThanBaseline(double margin) {
        if (!(margin >= 0 && margin < 0.5)) {
            throw new IllegalArgumentException("isNotWorseThanBaseline(margin) takes a margin of mean case score, "
                    + "0 <= margin < 0.5, e.g. 0.05, not " + margin);
        }
        if (sequentialP1 != null) {
            throw new IllegalStateException("sequentially(p1) applies to isPreferredOverBaseline() only; "
                    + "isNotWorseThanBaseline(margin) judges every case");
        }
        return decide("isNotWorseThanBaseline", Method.NON_INFERIORITY, margin);
    }

    /**
     * The latest decision of this assertion.
     *
     * @throws IllegalStateException before an expectation was evaluated
     */
    public SetComparison result() {
        if (result == null) {
            throw new IllegalStateException("result() is available after isPreferredOverBaseline() or isNotWorseThanBaseline(..)");
        }
        return result;
    }

    private CandidatesAssert decide(String assertion, Method method, double margin) {
        isNotNull();
        if (actual.isEmpty()) {
            throw new IllegalArgumentException("assertThatCandidates(..) needs at least one paired case, got none");
        }
        if (power != null && method != Method.SEQUENTIAL) {
            throw new IllegalStateException("withPower(power) sets the SPRT's β; use it with sequentially(p1)");
        }
        Judge j = Resolve.judge(judge);
        List<CaseResult> results = new ArrayList<>();
        Sprt sprt = null;
        if (method == Method.SEQUENTIAL) {
            double beta = power != null ? 1 - power : significance;
            for (int from = 0; from < actual.size(); from += chunkSize) {
                results.addAll(judgeCases(j, from, Math.min(actual.size(), from + chunkSize)));
                sprt = SetStatistics.sprt(SetStatistics.array(scores(results)), sequentialP1, significance, beta);
                if (sprt.outcome() != Outcome.INCONCLUSIVE) {
                    break;
                }
            }
            for (int i = results.size(); i < actual.size(); i++) {
                results.add(new CaseResult(i, actual.get(i).name(i), false, null, false, null, null));
            }
        } else {
            results.addAll(judgeCases(j, 0, actual.size()));
        }
        result = summarize(assertion, method, margin, results, sprt);
        report(assertion, method, results);
        // Asked only for an inconclusive decision: a bad autoj.inconclusive value must not break a pass.
        boolean inconclusiveFails = result.decision() == Decision.INCONCLUSIVE && Resolve.failWhenInconclusive(failWhenInconclusive);
        Resolve.reportSet(new SetReport(result, actual, ShouldBeBetterOnSet.describe(result), inconclusiveFails));
        return conclude(inconclusiveFails);
    }

    /** Judges cases [from, to) in both orders as one batch. */
    private List<CaseResult> judgeCases(Judge j, int from, int to) {
        List<Judge.CompareRequest> requests = new ArrayList<>();
        for (int i = from; i < to; i++) {
            PairedCase c = actual.get(i);
            requests.add(new Judge.CompareRequest(c.query(), c.candidate(), c.baseline(), c.scenario(), c.languageOrDefault()));
        }
        List<Comparison> comparisons = j.compareAll(requests);
        List<CaseResult> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(caseResult(i, actual.get(i).name(i), comparisons.get(i - from)));
        }
        return out;
    }

    /** Scores one comparison; the candidate is response 1 of the original order. */
    static CaseResult caseResult(int index, String name, Comparison comparison) {
        Judgment original = comparison.original();
        Judgment swapped = comparison.swapped();
        if (original.verdict() == null || swapped.verdict() == null) {
            String reason = original.verdict() == null
                    ? "original order (candidate first): " + original.noVerdictReason()
                    : "swapped order (baseline first): " + swapped.noVerdictReason();
            return new CaseResult(index, name, true, null, false, reason, comparison);
        }
        double first = points(original.verdict());
        double second = points(swapped.verdict().swapped());
        boolean flip = Math.abs(first - second) == 1;
        return new CaseResult(index, name, true, (first + second) / 2, flip, null, comparison);
    }

    private static double points(Verdict inOriginalPositions) {
        return switch (inOriginalPositions) {
            case RESPONSE_1 -> 1;
            case TIE -> 0.5;
            case RESPONSE_2 -> 0;
        };
    }

    private static List<Double> scores(List<CaseResult> results) {
        return results.stream().filter(CaseResult::decided).map(CaseResult::score).toList();
    }

    private SetComparison summarize(String assertion, Method method, double margin, List<CaseResult> results, Sprt sprt) {
        List<Double> decidedScores = scores(results);
        double[] scores = SetStatistics.array(decidedScores);
        Counts counts = Counts.of(scores);
        MeanBound mean = MeanBound.of(scores, significance);
        int judged = (int) results.stream().filter(CaseResult::judged).count();
        int undecided = judged - scores.length;
        int flips = (int) results.stream().filter(CaseResult::positionFlip).count();
        double[] wilson = SetStatistics.wilson(counts.wins(), counts.decided(), significance);
        double winShare = counts.decided() == 0 ? Double.NaN : (double) counts.wins() / counts.decided();
        double nonTiedShare = counts.wins() + counts.losses() == 0 ? Double.NaN
                : (double) counts.wins() / (counts.wins() + counts.losses());
        double tieShare = counts.decided() == 0 ? 0 : (double) counts.ties() / counts.decided();
        double p = Double.NaN;
        double llr = Double.NaN;
        double llrLow = Double.NaN;
        double llrHigh = Double.NaN;
        int decidedAt = -1;
        Outcome outcome;
        String reason;
        int needed;
        switch (method) {
            case SIGN_TEST -> {
                p = SetStatistics.signTestP(counts.wins(), counts.losses());
                outcome = SetStatistics.signTest(counts.wins(), counts.losses(), significance);
                needed = SetStatistics.signTestCasesNeeded(nonTiedShare, tieShare, significance);
                reason = switch (outcome) {
                    case PASS -> "sign test p = " + pValue(p) + " < α = " + num(significance);
                    case FAIL -> "the candidate did not win more cases than it lost (" + counts.wins() + " wins, "
                            + counts.losses() + " losses)";
                    case INCONCLUSIVE -> "more wins than losses, but sign test p = " + pValue(p) + " ≥ α = " + num(significance);
                };
            }
            case NON_INFERIORITY -> {
                outcome = SetStatistics.nonInferiority(mean, margin);
                needed = SetStatistics.nonInferiorityCasesNeeded(mean.mean(), mean.sd(), margin, significance);
                String threshold = num(0.5 - margin);
                reason = switch (outcome) {
                    case PASS -> "lower bound " + num(mean.lower()) + " of the mean score ≥ ½ − margin = " + threshold;
                    case FAIL -> "mean score " + num(mean.mean()) + " < ½ − margin = " + threshold;
                    case INCONCLUSIVE -> mean.n() < 2
                            ? "fewer than 2 decided cases (" + mean.n() + "): no bound for the mean score"
                            : "mean score " + num(mean.mean()) + " ≥ " + threshold + " but its lower bound "
                                    + num(mean.lower()) + " < " + threshold;
                };
            }
            default -> {
                outcome = sprt.outcome();
                llr = sprt.llr();
                llrLow = sprt.lower();
                llrHigh = sprt.upper();
                needed = SetStatistics.signTestCasesNeeded(nonTiedShare, tieShare, significance);
                if (outcome != Outcome.INCONCLUSIVE) {
                    // Map the index among decided scores back to the case it belongs to.
                    int seen = -1;
                    for (CaseResult r : results) {
                        if (r.decided() && ++seen == sprt.decidedAt()) {
                            decidedAt = r.index();
                            break;
                        }
                    }
                }
                String at = decidedAt < 0 ? "" : " at case " + results.get(decidedAt).name() + " (after " + sprt.wins()
                        + " wins and " + sprt.losses() + " losses)";
                reason = switch (outcome) {
                    case PASS -> "SPRT LLR " + num(llr) + " ≥ upper bound " + num(llrHigh) + at;
                    case FAIL -> "SPRT LLR " + num(llr) + " ≤ lower bound " + num(llrLow) + at;
                    case INCONCLUSIVE -> "the cases ran out with SPRT LLR " + num(llr) + " between " + num(llrLow)
                            + " and " + num(llrHigh);
                };
            }
        }
        return new SetComparison(assertion, method, Decision.valueOf(outcome.name()), reason, actual.size(), judged,
                counts.wins(), counts.ties(), counts.losses(), undecided, flips, mean.mean(), mean.lower(), winShare,
                wilson[0], wilson[1], p, llr, llrLow, llrHigh, decidedAt, significance, margin, needed, results);
    }

    /** Hands every judged case to the running session, like the other assertions' judgments. */
    private void report(String assertion, Method method, List<CaseResult> results) {
        String expectation = method == Method.NON_INFERIORITY ? "case score at least ½ (the set: not worse than the baseline)"
                : "case score above ½ (the set: preferred over the baseline)";
        for (CaseResult r : results) {
            if (!r.judged()) {
                continue;
            }
            PairedCase c = actual.get(r.index());
            boolean ok = r.decided() && (method == Method.NON_INFERIORITY ? r.score() >= 0.5 : r.score() > 0.5);
            String failure = ok ? null : r.decided() ? "case " + r.name() + " scored " + num(r.score())
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

    static String num(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    static String pValue(double p) {
        return p < 0.0001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
    }
}
