package com.example.forks;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;

import dev.autoj.engine.Scenario;
import dev.autoj.junit.AutoJ;
import org.junit.jupiter.api.Test;

/** Judged in its own test JVM (reuseForks=false), through the build's one judge server. */
@AutoJ
class ShippingPromptTest {

    @Test
    void parcelSummaryIsGood() {
        assertThatResponse(" the parcel left the warehouse on Monday.:The parcel shipped Monday.").forQuery("Summarize").inScenario(Scenario.TEXT_SUMMARIZATION).scoresAtLeast(7);
    }

    @Test
    void parcelAnswerIsGood() {
        assertThatResponse("It is about the parcel.").forQuery("What is this message about: Summarize")
                .inScenario(Scenario.TEXT_SUMMARIZATION).scoresAtLeast(7);
    }
}
