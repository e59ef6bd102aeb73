package com.example.embedded;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import org.junit.jupiter.api.Test;

/** Judged in its own test JVM (reuseForks=false), through the run's one embedded engine server. */
@AutoJ
class SupportPromptTest {

    @Test
    void ticketSummaryIsJudged(Judge judge) {
        Judged.byTheTinyModel(judge.grade("Summarize the ticket message", "The ticket is handled on Friday.",
                Scenario.TEXT_SUMMARIZATION));
    }

    @Test
    void ticketAnswerIsJudged(Judge judge) {
        Judged.byTheTinyModel(judge.grade("What is this message about?", "It is about the ticket.", Scenario.TEXT_SUMMARIZATION));
    }
}
