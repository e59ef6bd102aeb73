package com.example.assistant;

import static dev.autoj.assertions.AutoJAssertions.assertThatCandidates;

import dev.autoj.assertions.PairedCases;
import dev.autoj.junit.AutoJ;
import org.junit.jupiter.api.Test;

/**
 * The code prompt change judged over a set of requests rather than one: every case is judged in
 * both orders and the exact sign test decides (pass, fail, or inconclusive = aborted).
 *
 * <p>The cases ({@code cases/code-answers.jsonl}) are the 16 {@code code_generation} items of
 * Auto-J's published pairwise testbed on which the human annotators preferred one response; the
 * preferred response plays the new prompt's answer. The judgments replayed from
 * {@code autoj-store/} are Auto-J-13B's published verdicts for both orders: 10 wins, 4 ties,
 * 2 losses, sign test p = 0.0193 &lt; 0.05, so the set passes.
 */
@AutoJ
class CodePromptSetTest {

    @Test
    void newCodeAnswersArePreferredOverTheCurrentOnesAcrossTheSet() {
        assertThatCandidates(PairedCases.fromClasspath("cases/code-answers.jsonl")).isPreferredOverBaseline();
    }
}
