package dev.autoj.cli;

import java.io.PrintWriter;

/**
 * A one-line progress count on stderr for long judge runs, redrawn in place. Only when stderr is a
 * terminal: in scripts and CI stderr stays for the one-line error.
 */
final class Progress implements AutoCloseable {

    private final PrintWriter err;
    private final String what;
    private final int total;
    private final boolean shown;
    private final long start = System.nanoTime();
    private int done;

    Progress(PrintWriter err, String what, int total) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.shown = System.console() != null;
    }

    void advance(int count) {
        done += count;
        if (!shown) {
            return;
        }
        double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        double rate = done / seconds;
        long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
        err.printf("\r%s %d/%d (%.1f/s, about %ds left)   ", what, done, total, rate, eta);
        err.flush();
    }

    @Override
    public void close() {
        if (shown && done > 0) {
            err.println();
            err.flush();
        }
    }
}
