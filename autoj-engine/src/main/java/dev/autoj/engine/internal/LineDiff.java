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

    /**
     * How far apart two texts are, for choosing the nearest recording: changed lines first, then, among
     * equally many changed lines, the characters changed within them (so "three sentences" is nearer to
     * "three short sentences" than "one sentence" is).
     */
    public static long distance(List<String> recorded, List<String> requested) {
        Patch<String> patch = DiffUtils.diff(recorded, requested);
        long lines = 0;
        long chars = 0;
        for (AbstractDelta<String> delta : patch.getDeltas()) {
            lines += delta.getSource().size() + delta.getTarget().size();
            List<Character> from = chars(String.join("\n", delta.getSource().getLines()));
            List<Character> to = chars(String.join("\n", delta.getTarget().getLines()));
            for (AbstractDelta<Character> d : DiffUtils.diff(from, to).getDeltas()) {
                chars += d.getSource().size() + d.getTarget().size();
            }
        }
        return lines * 1_000_000_000L + Math.min(chars, 999_999_999L);
    }

    private static List<Character> chars(String text) {
        List<Character> list = new java.util.ArrayList<>(text.length());
        for (int i = 0; i < text.length(); i++) {
            list.add(text.charAt(i));
        }
        return list;
    }

    /** A unified diff with two lines of context, recorded ({@code -}) against requested ({@code +}). */
    public static String unified(String recordedName, List<String> recorded, String requestedName, List<String> requested) {
        Patch<String> patch = DiffUtils.diff(recorded, requested);
        return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff(recordedName, requestedName, recorded, patch, 2));
    }
}
