package dev.autoj.cli.eval;

import dev.autoj.engine.Judgment;
import dev.autoj.engine.protocol.ParsedVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Rating distribution and no-verdict count of single-response judgments.
 *
 * <pre>{@code
 * RatingReport r = RatingEvaluation.evaluate(parsedOutputs);
 * r.rated();                // 231 for Auto-J-13B's published critiques
 * r.noVerdicts().size();    // 1: line 186 is a repetition loop without a rating
 * }</pre>
 */
public final class RatingEvaluation {

    private RatingEvaluation() {
    }

    /**
     * @param outputs one parsed single-response output per judgment (rating or no-verdict)
     * @throws IllegalArgumentException when an entry is a pairwise verdict
     */
    public static RatingReport evaluate(List<ParsedVerdict> outputs) {
        TreeMap<Double, Integer> histogram = new TreeMap<>();
        for (int r = 1; r <= 10; r++) {
            histogram.put((double) r, 0);
        }
        List<NoVerdictItem> noVerdicts = new ArrayList<>();
        double sum = 0;
        int rated = 0;
        for (int i = 0; i < outputs.size(); i++) {
            ParsedVerdict p = outputs.get(i);
            if (p.verdict() != null) {
                throw new IllegalArgumentException("output " + i + " is a pairwise verdict (" + p.verdict()
                        + "); rating evaluation needs single-response ratings");
            }
            if (p.isNoVerdict()) {
                noVerdicts.add(new NoVerdictItem(i, "single", p.noVerdictReason()));
                continue;
            }
            histogram.merge(p.rating(), 1, Integer::sum);
            sum += p.rating();
            rated++;
        }
        return new RatingReport(outputs.size(), rated, histogram, rated == 0 ? Double.NaN : sum / rated, noVerdicts);
    }

    /** Evaluates single-response judgments made by a {@link dev.autoj.engine.Judge}, live or replayed. */
    public static RatingReport evaluateJudgments(List<Judgment> judgments) {
        return evaluate(judgments.stream().map(PairwiseEvaluation::parsed).toList());
    }
}
