package dev.autoj.engine.store;

import java.nio.file.Path;

/**
 * A judgment was recorded under a key whose file already holds a different output. The store
 * never overwrites: the existing file stays as it is.
 */
public class StoreConflictException extends StoreException {

    private static final long serialVersionUID = 1L;

    StoreConflictException(String key, Path file, StoredJudgment existing, StoredJudgment offered) {
        super("Judgment store conflict for key " + key + " (" + file + "): the file holds an output from "
                + existing.source() + " recorded at " + existing.recordedAt() + " that differs from the new output from "
                + offered.source() + " (" + difference(existing, offered) + "). A recorded judgment is never overwritten."
                + " If the new output is right, delete the file and record again; otherwise check that the judge decodes"
                + " greedily with the same model and token budget.");
    }

    private static String difference(StoredJudgment a, StoredJudgment b) {
        if (!java.util.Objects.equals(a.result(), b.result())) {
            return "stored result " + a.result() + ", new result " + b.result();
        }
        String x = a.rawOutput() == null ? "" : a.rawOutput();
        String y = b.rawOutput() == null ? "" : b.rawOutput();
        int i = 0;
        while (i < x.length() && i < y.length() && x.charAt(i) == y.charAt(i)) {
            i++;
        }
        return "raw outputs differ from character " + i + ": stored \"" + JudgmentStore.preview(x.substring(i), 40)
                + "\", new \"" + JudgmentStore.preview(y.substring(i), 40) + "\"";
    }
}
