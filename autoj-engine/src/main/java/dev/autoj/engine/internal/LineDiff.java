package dev.autoj.engine.internal;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import java.util.List;

/** Line diffs (java-diff-utils) of a request against the nearest recording, for replay misses. Not API. */
public final class LineDiff {

    private LineDiff() {
    }

    /** How many lines differ: removed plus added, over every change. */
    public static int changedLines(List<String> recorded, List<String> requested) {
        Patch<String> patch = DiffUtils.diff(recorded, requested);
        int changed = 0;
        for (AbstractDelta<String> delta : patch.getDeltas()) {
            changed += delta.getSource().size() + delta.getTarget().size();
        }
        return changed;
    }

    /** A unified diff with two lines of context, recorded ({@code -}) against requested ({@code +}). */
    public static String unified(String recordedName, List<String> recorded, String requestedName, List<String> requested) {
        Patch<String> patch = DiffUtils.diff(recorded, requested);
        return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff(recordedName, requestedName, recorded, patch, 2));
    }
}
