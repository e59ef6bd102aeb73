package com.example.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.Judgment;

/**
 * What a judgment of a tiny random model can honestly be checked for: it was made (or replayed) by the
 * model named tiny-autoj, with an output, and it says why it holds no verdict, or holds a rating in range.
 * No verdict is asserted: a random model's verdicts mean nothing.
 */
final class Judged {

    private Judged() {
    }

    static void byTheTinyModel(Judgment judgment) {
        assertThat(judgment.modelId()).isEqualTo("tiny-autoj");
        assertThat(judgment.rawOutput()).isNotEmpty();
        if (judgment.isNoVerdict()) {
            assertThat(judgment.noVerdictReason()).isNotBlank();
        } else {
            assertThat(judgment.rating()).isBetween(1.0, 10.0);
        }
    }
}
