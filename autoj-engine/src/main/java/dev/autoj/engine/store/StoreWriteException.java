package dev.autoj.engine.store;

import java.nio.file.Path;
import java.util.List;

/**
 * The store could not record some judgments of a batch (permission denied, disk full, a file in
 * the way). The judge's answers are not thrown away: they were recorded into a fallback folder with
 * the layout of a store ({@link #keptIn()}), and they travel with this exception ({@link #unsaved()}).
 * The message says what failed, where the judgments are and how to store them later.
 */
public class StoreWriteException extends StoreException {

    private static final long serialVersionUID = 1L;

    private final transient List<StoredJudgment> unsaved;
    private final transient Path keptIn;

    StoreWriteException(JudgmentStore store, List<StoredJudgment> unsaved, int batchSize, Path keptIn, StoreException failure) {
        super(message(store, unsaved.size(), batchSize, keptIn, failure), failure);
        this.unsaved = List.copyOf(unsaved);
        this.keptIn = keptIn;
    }

    private static String message(JudgmentStore store, int unsaved, int batchSize, Path keptIn, StoreException failure) {
        Path dir = store.directory().toAbsolutePath().normalize();
        String what = "Could not record " + unsaved + " of the batch's " + batchSize + " new judgment(s) into the judgment store "
                + dir + ": " + failure.getMessage() + ". ";
        if (keptIn == null) {
            return what + "No fallback folder could take them either (" + store.unsavedDirectory() + ", the temporary folder);"
                    + " they are only in this exception (StoreWriteException.unsaved()). Fix the store folder and run again.";
        }
        return what + "The judge's answers are not lost: they are kept in " + keptIn + " (same layout as a store). Once the"
                + " store is writable, copy them in with `cp -Rn " + keptIn + "/. " + dir + "/` (files are named by key, so"
                + " copying never replaces a judgment; skip the hidden .shards folder if you like) and check with"
                + " `java -jar autoj.jar store verify --store " + dir + "`; or run again in record mode, which records them"
                + " anew from the judge.";
    }

    /** The judgments the store did not take. */
    public List<StoredJudgment> unsaved() {
        return unsaved;
    }

    /** The folder holding them, or null when no folder could take them. */
    public Path keptIn() {
        return keptIn;
    }
}
