package com.example.forks;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;

import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import org.junit.jupiter.api.Test;

/** Judged in its own test JVM (reuseForks=false), through the build's one judge server. */
@AutoJ
class BillingPromptTest {

    @Test
    void invoiceSummaryIsGood() {
        assertThatResponse(" the invoice is due on Friday.:The invoice is due Friday.").forQuery("Summarize").inScenario(Scenario.TEXT_SUMMARIZATION).scoresAtLeast(7);
    }

    @Test
    void invoiceAnswerIsGood() {
        assertThatResponse("It is about the invoice.").forQuery("What is this message about: Summarize")
                .inScenario(Scenario.TEXT_SUMMARIZATION).scoresAtLeast(7);
    }
}
