package dev.autoj.engine.internal;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.BackendException;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.protocol.Prompt;
import java.util.ArrayList;
import java.util.List;

/**
 * One batch sent to a back end, with every answer checked to be there; a sampled judge asks again, for
 * the outputs its family cannot read, up to {@code asks} times in all (the prometheus-eval library's
 * re-asking). A greedy judge asks once: greedy decoding would answer the same again. Not API.
 *
 * <pre>{@code
 * List<Generation> answers = Asking.ask(backend, batch, prompts, family, 10, "judge");   // sampled: up to 10 asks
 * }</pre>
 */
final class Asking {

    private Asking() {
    }

    /**
     * The answers to {@code batch}, in order; {@code prompts} are the batch's prompts (for reading the outputs).
     *
     * @throws BackendException when the back end does not answer every prompt of a batch
     */
    static List<Generation> ask(Backend backend, List<GenerationRequest> batch, List<Prompt> prompts, JudgeFamily family,
            int asks, String role) {
        List<Generation> answers = new ArrayList<>(answered(backend, batch, role));
        for (int ask = 1; ask < asks; ask++) {
            List<Integer> unread = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                Generation g = answers.get(i);
                if (!g.isRejected() && family.readOutput(prompts.get(i), g.text()).isNoVerdict()) {
                    unread.add(i);
                }
            }
            if (unread.isEmpty()) {
                break;
            }
            List<Generation> again = answered(backend, unread.stream().map(batch::get).toList(), role);
            for (int j = 0; j < unread.size(); j++) {
                answers.set(unread.get(j), again.get(j));
            }
        }
        return answers;
    }

    private static List<Generation> answered(Backend backend, List<GenerationRequest> batch, String role) {
        List<Generation> generations = backend.generate(batch);
        if (generations == null || generations.size() != batch.size()) {
            throw new BackendException("The " + role + " back end '" + backend.name() + "' answered "
                    + (generations == null ? "null" : generations.size() + " generations") + " for a batch of " + batch.size()
                    + " prompts; a back end must answer every prompt in order.");
        }
        return generations;
    }
}
