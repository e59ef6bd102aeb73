package dev.autoj.engine;

/** The outcome of a pairwise comparison, as positions in the prompt the judge saw. */
public enum Verdict {
    RESPONSE_1,
    RESPONSE_2,
    TIE;

    /** The same verdict seen from the other order: Response 1 and Response 2 exchange, Tie stays. */
    public Verdict swapped() {
        return switch (this) {
            case RESPONSE_1 -> RESPONSE_2;
            case RESPONSE_2 -> RESPONSE_1;
            case TIE -> TIE;
        };
    }

    /** The label the Auto-J testbed uses: 0 = Response 1, 1 = Response 2, 2 = Tie. */
    public int label() {
        return ordinal();
    }

    /** The verdict for a testbed label 0, 1 or 2. */
    public static Verdict fromLabel(int label) {
        if (label < 0 || label > 2) {
            throw new IllegalArgumentException("A pairwise label is 0 (Response 1), 1 (Response 2) or 2 (Tie), not " + label);
        }
        return values()[label];
    }
}
