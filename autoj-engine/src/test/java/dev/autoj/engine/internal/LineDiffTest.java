package dev.autoj.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LineDiffTest {

    private static final Function<List<String>, List<String>> SAME = lines -> lines;

    @Test
    void fewestChangedLinesWinThenFewestChangedCharactersThenTheTieBreak() {
        List<String> requested = List.of("[query]", "Write three short sentences.", "[response]", "One. Two. Three.");
        List<String> otherPrompt = List.of("[query]", "Write one sentence.", "[response]", "One. Two. Three.");
        List<String> oneWord = List.of("[query]", "Write three sentences.", "[response]", "One. Two. Three.");
        List<String> twoLines = List.of("[query]", "Write three short words.", "[response]", "One.");

        assertThat(LineDiff.nearest(List.of(twoLines, otherPrompt, oneWord), SAME, requested, (a, b) -> 0))
                .as("one changed line each for two of them: the one-word change is nearer").containsSame(oneWord);
        List<String> oneWordAgain = List.copyOf(oneWord);
        assertThat(LineDiff.nearest(List.of(oneWord, oneWordAgain), SAME, requested,
                Comparator.comparing(lines -> lines == oneWordAgain ? 1 : 0))).containsSame(oneWordAgain);
        assertThat(LineDiff.nearest(List.<List<String>>of(), SAME, requested, (a, b) -> 0)).isEmpty();
    }

    @Test
    void longChangedBlocksAreBoundedByTheirCommonEndsInsteadOfDiffedCharByChar() {
        String text = "word ".repeat(2_000);
        String oneWordChanged = text.substring(0, 5_000) + "WORD " + text.substring(5_005);
        String rewritten = "other ".repeat(2_000);

        assertThat(LineDiff.outsideCommonEnds(text, oneWordChanged)).isEqualTo(8);
        assertThat(LineDiff.outsideCommonEnds("abc", "abc")).isZero();
        assertThat(LineDiff.outsideCommonEnds("aXa", "aa")).isEqualTo(1);
        List<String> far = List.of(rewritten);
        List<String> near = List.of(oneWordChanged);
        assertThat(LineDiff.nearest(List.of(far, near), SAME, List.of(text), (a, b) -> 0)).containsSame(near);
    }
}
