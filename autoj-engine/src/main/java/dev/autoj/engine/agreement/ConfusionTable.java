package dev.autoj.engine.agreement;

import dev.autoj.engine.Verdict;

/**
 * Counts of the judge's verdict (rows: {@link PairVerdict}, including "orders disagree" and "no
 * verdict") against the human label (columns: {@link Verdict}). Immutable once built by
 * {@link PairwiseAgreement}.
 *
 * <pre>{@code
 * report.overall().confusion().count(PairVerdict.TIE, Verdict.RESPONSE_1);   // judge said tie, humans response 1
 * }</pre>
 */
public final class ConfusionTable {

    private final long[][] counts = new long[PairVerdict.values().length][Verdict.values().length];

    ConfusionTable() {
    }

    void add(PairVerdict judge, Verdict human) {
        counts[judge.ordinal()][human.ordinal()]++;
    }

    /** Cases where the judge said {@code judge} and the humans {@code human}. */
    public long count(PairVerdict judge, Verdict human) {
        return counts[judge.ordinal()][human.ordinal()];
    }

    /** Cases where the judge said {@code judge}. */
    public long judgeTotal(PairVerdict judge) {
        long sum = 0;
        for (long c : counts[judge.ordinal()]) {
            sum += c;
        }
        return sum;
    }

    /** Cases the humans labelled {@code human}. */
    public long humanTotal(Verdict human) {
        long sum = 0;
        for (long[] row : counts) {
            sum += row[human.ordinal()];
        }
        return sum;
    }

    /** All cases. */
    public long total() {
        long sum = 0;
        for (Verdict v : Verdict.values()) {
            sum += humanTotal(v);
        }
        return sum;
    }

    /**
     * The square table over the judge's five categories for {@link Statistics#kappa}: the human side
     * never says "orders disagree" or "no verdict", so those columns are zero.
     */
    long[][] square() {
        int k = PairVerdict.values().length;
        long[][] square = new long[k][k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(counts[i], 0, square[i], 0, counts[i].length);
        }
        return square;
    }
}
