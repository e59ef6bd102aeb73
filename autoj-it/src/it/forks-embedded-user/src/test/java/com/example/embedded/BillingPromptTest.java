package com.example.embedded;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import org.junit.jupiter.api.Test;

/** Judged in its own test JVM (reuseForks=false), through the run's one embedded engine server. */
@AutoJ
class BillingPromptTest {

    @Test
    void invoiceSummaryIsJudged(Judge judge) {
        Judged.byTheTinyModel(judge.grade("Summarize the invoice message", "The invoice is handled on Friday.",
                Scenario.TEXT_SUMMARIZATION));
    }

    @Test
    void invoiceAnswerIsJudged(Judge judge) {
        Judged.byTheTinyModel(judge.grade("What is this message about?", "It is about the invoice.", Scenario.TEXT_SUMMARIZATION));
    }
}
