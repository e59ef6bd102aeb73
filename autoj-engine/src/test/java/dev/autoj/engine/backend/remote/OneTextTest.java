package dev.autoj.engine.backend.remote;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One text for one generation: a server's leading word-boundary space is dropped, as the embedded engine decodes it. */
class OneTextTest {

    private static String body(String text) {
        return "{\"choices\":[{\"index\":0,\"text\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(text)
                + ",\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}";
    }

    @Test
    void aServersLeadingSpaceIsDroppedOnceAndNothingElseChanges() throws Exception {
        assertThat(CompletionsProtocol.parseCompletion(body(" arbitrary critique"), 16).text()).isEqualTo("arbitrary critique");
        assertThat(CompletionsProtocol.parseCompletion(body("arbitrary critique"), 16).text()).isEqualTo("arbitrary critique");
        assertThat(CompletionsProtocol.parseCompletion(body("  two spaces"), 16).text()).isEqualTo(" two spaces");
        assertThat(CompletionsProtocol.parseCompletion(body("\nnewline first"), 16).text()).isEqualTo("\nnewline first");
        assertThat(CompletionsProtocol.parseCompletion(body(" "), 16).text()).isEmpty();
    }
}
