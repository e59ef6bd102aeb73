package dev.autoj.engine.agreement;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.testing.AnsweringBackend;
import java.util.Map;

/**
 * A test double for counting: answers each prompt with the judge text scripted for the response the
 * prompt shows first ({@code [Response 1]: …} in a pairwise prompt, the response of a single one).
 * The texts go through the real verdict parser. Its model id says it is no model.
 */
final class ScriptedBackend {

    static final String MODEL = "scripted-test-double";

    private ScriptedBackend() {
    }

    static Backend of(Map<String, String> byFirstResponse) {
        return new AnsweringBackend("scripted", MODEL, prompt -> answer(byFirstResponse, prompt));
    }

    private static String answer(Map<String, String> byFirstResponse, String prompt) {
        int best = Integer.MAX_VALUE;
        String output = null;
        for (Map.Entry<String, String> e : byFirstResponse.entrySet()) {
            int at = prompt.indexOf(e.getKey());
            if (at >= 0 && at < best) {
                best = at;
                output = e.getValue();
            }
        }
        if (output == null) {
            throw new BackendException("no scripted answer for the prompt " + prompt.substring(0, Math.min(80, prompt.length())));
        }
        return output;
    }
}
