package dev.autoj.engine.agreement;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.backend.StopReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A test double for counting: answers each prompt with the judge text scripted for the response the
 * prompt shows first ({@code [Response 1]: …} in a pairwise prompt, the response of a single one).
 * The texts go through the real verdict parser. Its model id says it is no model.
 */
final class ScriptedBackend implements Backend {

    static final String MODEL = "scripted-test-double";

    private final Map<String, String> byFirstResponse;

    ScriptedBackend(Map<String, String> byFirstResponse) {
        this.byFirstResponse = byFirstResponse;
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public String modelId() {
        return MODEL;
    }

    @Override
    public List<Generation> generate(List<GenerationRequest> requests) {
        return requests.stream().map(r -> new Generation(answer(r.prompt()), StopReason.EOS, -1, -1, Duration.ZERO)).toList();
    }

    private String answer(String prompt) {
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
