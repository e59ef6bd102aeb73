package dev.autoj.engine.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autoj.engine.Language;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.backend.remote.RemoteBackend;
import dev.autoj.engine.backend.remote.RemoteConfig;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.testing.LoopbackCompletions;
import dev.autoj.engine.testing.LoopbackCompletions.Answer;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenAI-compatible completions server on 127.0.0.1 that answers the golden set's exact
 * prompts, for checking the conformance check through the real {@link RemoteBackend}.
 *
 * <p>Single-response prompts get a real Auto-J-13B judgment from the testbed
 * (critique_example_output.jsonl, kept in the golden set). Pairwise prompts get a test-local
 * rendering of a published verdict label, "So, the final decision is Response N" after a line that
 * says so: the testbed publishes only the labels of Auto-J's pairwise judgments, not their text.
 * Any other prompt is answered with HTTP 400, so a prompt built differently from the golden set's
 * fails loudly instead of being judged.
 */
public final class GoldenServer implements AutoCloseable {

    static final String MODEL = "GAIR/autoj-13b";

    private final LoopbackCompletions server;

    private GoldenServer(Map<String, String> answers) throws IOException {
        Map<String, String> byPrompt = Map.copyOf(answers);
        server = LoopbackCompletions.start(body -> {
            String answer = byPrompt.get(LoopbackCompletions.json(body).path("prompt").asText());
            return answer == null ? Answer.error(400, "not a golden-set prompt") : Answer.text(answer);
        });
    }

    /** Answers as Auto-J published: each single item's own judgment, each pair's verdict per order. */
    public static GoldenServer faithful() throws IOException {
        return new GoldenServer(answers(GoldenSet.load(), 0, false, Map.of()));
    }

    /**
     * Answers wrongly: each single item gets the published judgment of the next golden single item
     * (real Auto-J text, about another response), and each pairwise order gets the verdict
     * published for the other order (so consistent non-tie verdicts flip, ties stay).
     */
    public static GoldenServer wrong() throws IOException {
        return new GoldenServer(answers(GoldenSet.load(), 1, true, Map.of()));
    }

    /** Faithful, except that the single items at the given lines get the judgment published for another line. */
    static GoldenServer faithfulExcept(Map<Integer, Integer> singleLineAnsweredWith) throws IOException {
        return new GoldenServer(answers(GoldenSet.load(), 0, false, singleLineAnsweredWith));
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return server.url();
    }

    RemoteBackend backend() {
        return new RemoteBackend(RemoteConfig.builder()
                .endpoints(url())
                .modelName(MODEL)
                .maxRetries(0)
                .build());
    }

    public List<JsonNode> requests() {
        return server.bodies().stream().map(LoopbackCompletions::json).toList();
    }

    static String rendering(Verdict verdict) {
        return "[test rendering of Auto-J's published verdict label; the testbed has no pairwise judgment text]\n"
                + "So, the final decision is " + switch (verdict) {
                    case RESPONSE_1 -> "Response 1";
                    case RESPONSE_2 -> "Response 2";
                    case TIE -> "Tie";
                };
    }

    private static Map<String, String> answers(GoldenSet golden, int singleShift, boolean swapPairOrders,
                                               Map<Integer, Integer> singleLineAnsweredWith) {
        Map<String, String> answers = new HashMap<>();
        for (GoldenSet.Pair p : golden.pairs()) {
            answers.put(PromptBuilder.pairwise(Language.EN, p.query(), p.response1(), p.response2()).text(),
                    rendering(swapPairOrders ? p.swapped() : p.original()));
            answers.put(PromptBuilder.pairwise(Language.EN, p.query(), p.response2(), p.response1()).text(),
                    rendering(swapPairOrders ? p.original() : p.swapped()));
        }
        List<GoldenSet.Single> singles = golden.singles();
        Map<Integer, String> outputByLine = new HashMap<>();
        singles.forEach(s -> outputByLine.put(s.line(), s.output()));
        for (int i = 0; i < singles.size(); i++) {
            GoldenSet.Single s = singles.get(i);
            String output = singles.get((i + singleShift) % singles.size()).output();
            if (singleLineAnsweredWith.containsKey(s.line())) {
                output = outputByLine.get(singleLineAnsweredWith.get(s.line()));
            }
            answers.put(PromptBuilder.single(Language.EN, s.query(), s.response()).text(), output);
        }
        return answers;
    }

    @Override
    public void close() {
        server.close();
    }
}
