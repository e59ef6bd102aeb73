package dev.autoj.engine.internal;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Line diffs (java-diff-utils) of a request against the nearest recording, for replay misses. Not API. */
public final class LineDiff {

    /**
     * Above this many characters on the two sides of a changed block together, the characters changed
     * within it are bounded by the common prefix and suffix instead of a character diff (whose cost grows
     * with the product of the sides: a store of long responses made a replay miss take tens of seconds).
     */
    static final int EXACT_CHAR_DIFF_LIMIT = 4_000;

    private LineDiff() {
    }

    /**
     * The candidate nearest to {@code requested}: the fewest changed lines, then, among equally many, the
     * fewest characters changed within them (so "three sentences" is nearer to "three short sentences"
     * than "one sentence" is), then {@code tieBreak}'s greatest. Characters are counted only for the
     * candidates that tie on lines.
     */
    public static <T> Optional<T> nearest(Iterable<T> candidates, Function<T, List<String>> lines, List<String> requested,
            Comparator<T> tieBreak) {
        List<T> fewestLines = new ArrayList<>();
        List<Patch<String>> patches = new ArrayList<>();
        long best = Long.MAX_VALUE;
        for (T candidate : candidates) {
            Patch<String> patch = DiffUtils.diff(lines.apply(candidate), requested);
            long changed = 0;
            for (AbstractDelta<String> delta : patch.getDeltas()) {
                changed += delta.getSource().size() + delta.getTarget().size();
            }
            if (changed < best) {
                best = changed;
                fewestLines.clear();
                patches.clear();
            }
            if (changed == best) {
                fewestLines.add(candidate);
                patches.add(patch);
            }
        }
        T nearest = null;
        long nearestChars = Long.MAX_VALUE;
        for (int i = 0; i < fewestLines.size(); i++) {
            long chars = changedChars(patches.get(i));
            T candidate = fewestLines.get(i);
            if (chars < nearestChars || (chars == nearestChars && tieBreak.compare(candidate, nearest) > 0)) {
                nearest = candidate;
                nearestChars = chars;
            }
        }
        return Optional.ofNullable(nearest);
    }

    /** The characters changed within the changed lines of {@code patch}. */
    static long changedChars(Patch<String> patch) {
        long chars = 0;
        for (AbstractDelta<String> delta : patch.getDeltas()) {
            String from = String.join("\n", delta.getSource().getLines());
            String to = String.join("\n", delta.getTarget().getLines());
            chars += from.length() + to.length() > EXACT_CHAR_DIFF_LIMIT ? outsideCommonEnds(from, to) : exact(from, to);
        }
        return chars;
    }

    private static long exact(String from, String to) {
        long chars = 0;
        for (AbstractDelta<Character> d : DiffUtils.diff(chars(from), chars(to)).getDeltas()) {
            chars += d.getSource().size() + d.getTarget().size();
        }
        return chars;
    }

    /** An upper bound of the changed characters: what lies between the common prefix and the common suffix. */
    static long outsideCommonEnds(String from, String to) {
        int shorter = Math.min(from.length(), to.length());
        int prefix = 0;
        while (prefix < shorter && from.charAt(prefix) == to.charAt(prefix)) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < shorter - prefix
                && from.charAt(from.length() - 1 - suffix) == to.charAt(to.length() - 1 - suffix)) {
            suffix++;
        }
        return (long) from.length() + to.length() - 2L * (prefix + suffix);
    }

    private static List<Character> chars(String text) {
        List<Character> list = new ArrayList<>(text.length());
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
