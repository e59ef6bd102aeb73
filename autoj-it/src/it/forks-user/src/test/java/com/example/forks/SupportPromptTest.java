package com.example.forks;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;

import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import org.junit.jupiter.api.Test;

/** Judged in its own test JVM (reuseForks=false), through the build's one judge server. */
@AutoJ
class SupportPromptTest {

    @Test
    void ticketSummaryIsGood() {
        assertThatResponse(" the ticket was closed after the fix.:The ticket was closed.").forQuery("Summarize").inScenario(Scenario.TEXT_SUMMARIZATION).scoresAtLeast(7);
    }

    @Test
    void ticketAnswerIsGood() {
        assertThatResponse("It is about the ticket.").forQuery("What is this message about: Summarize")
                .inScenario(Scenario.TEXT_SUMMARIZATION).scoresAtLeast(7);
    }
}
