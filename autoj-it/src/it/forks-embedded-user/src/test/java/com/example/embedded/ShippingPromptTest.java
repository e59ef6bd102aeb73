package com.example.embedded;

import dev.autoj.engine.Judge;
import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import org.junit.jupiter.api.Test;

/** Judged in its own test JVM (reuseForks=false), through the run's one embedded engine server. */
@AutoJ
class ShippingPromptTest {

    @Test
    void parcelSummaryIsJudged(Judge judge) {
        Judged.byTheTinyModel(judge.grade("Summarize the parcel message", "The parcel is handled on Friday.",
                Scenario.TEXT_SUMMARIZATION));
    }

    @Test
    void parcelAnswerIsJudged(Judge judge) {
        Judged.byTheTinyModel(judge.grade("What is this message about?", "It is about the parcel.", Scenario.TEXT_SUMMARIZATION));
    }
}
