package dev.autoj.engine.backend.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.backend.StopReason;
import org.junit.jupiter.api.Test;

/**
 * {@code autoj serve} says a repetition loop cut by the embedded engine as {@code finish_reason
 * "length"} (what other clients understand) with {@code "autoj_stop_reason":"repetition"} beside it;
 * autoj's client reads it back, so the judgment says "repetition loop" as with the embedded engine.
 */
class AutojStopReasonTest {

    private static String body(String finish, String autoj) {
        return "{\"choices\":[{\"index\":0,\"text\":\"a a a\",\"finish_reason\":\"" + finish + "\""
                + (autoj == null ? "" : ",\"autoj_stop_reason\":\"" + autoj + "\"")
                + "}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":70}}";
    }

    @Test
    void aRepetitionBesideLengthIsARepetition() throws Exception {
        assertThat(CompletionsProtocol.parseCompletion(body("length", "repetition"), 1024).stopReason())
                .isEqualTo(StopReason.REPETITION);
    }

    @Test
    void lengthAloneAndOtherValuesStayAsTheFinishReasonSays() throws Exception {
        assertThat(CompletionsProtocol.parseCompletion(body("length", null), 1024).stopReason()).isEqualTo(StopReason.LENGTH);
        assertThat(CompletionsProtocol.parseCompletion(body("length", "something"), 1024).stopReason()).isEqualTo(StopReason.LENGTH);
        // an EOS stays an EOS whatever the extra field says
        assertThat(CompletionsProtocol.parseCompletion(body("stop", "repetition"), 1024).stopReason()).isEqualTo(StopReason.EOS);
    }
}
