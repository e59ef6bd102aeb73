package dev.autoj.engine.answers;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import java.util.List;

/** Line diffs of two requests (java-diff-utils), for the nearest recording and a replay miss's message. */
final class RequestDiff {

    private RequestDiff() {
    }

    /** How many lines differ: removed plus added, over every change. */
    static int changedLines(List<String> recorded, List<String> requested) {
        Patch<String> patch = DiffUtils.diff(recorded, requested);
        int changed = 0;
        for (AbstractDelta<String> delta : patch.getDeltas()) {
            changed += delta.getSource().size() + delta.getTarget().size();
        }
        return changed;
    }

    /** A unified diff with two lines of context, recorded ({@code -}) against requested ({@code +}). */
    static String unified(String recordedName, List<String> recorded, String requestedName, List<String> requested) {
        Patch<String> patch = DiffUtils.diff(recorded, requested);
        return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff(recordedName, requestedName, recorded, patch, 2));
    }
}
