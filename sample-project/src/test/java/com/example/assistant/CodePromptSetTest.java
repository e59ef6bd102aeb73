package com.example.assistant;

import static dev.autoj.assertions.AutoJAssertions.assertThatCandidates;

import com.example.assistant.Requests.Request;
import dev.autoj.assertions.PairedCase;
import dev.autoj.junit.AutoJ;
import dev.autoj.langchain4j.RecordedChatModel;
import dev.langchain4j.model.chat.ChatModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The code prompt change judged over a set of requests rather than one: the assistant answers every
 * request with each prompt version, every pair of answers is judged in both orders and the exact
 * sign test decides (pass, fail, or inconclusive = aborted).
 *
 * <p>The requests ({@code cases/code-requests.jsonl}) are the 16 {@code code_generation} queries of
 * Auto-J's published pairwise testbed on which the human annotators preferred one response; the
 * recorded answers are the testbed's responses, the preferred one answering the new prompt. The
 * judgments replayed from {@code autoj-store/} are Auto-J-13B's published verdicts for both orders:
 * 10 wins, 4 ties, 2 losses, sign test p = 0.0193 &lt; 0.05, so the set passes.
 */
@AutoJ
class CodePromptSetTest {

    private static final ChatModel MODEL = RecordedChatModel.wrap(AssistantModel.openAi());

    @Test
    void newCodeAnswersArePreferredOverTheCurrentOnesAcrossTheSet() {
        Assistant current = new Assistant(MODEL, PromptVersion.CURRENT);
        Assistant next = new Assistant(MODEL, PromptVersion.NEXT);
        List<PairedCase> cases = new ArrayList<>();
        for (Request request : Requests.read(Requests.CODE_SET)) {
            cases.add(PairedCase.of(request.query(), next.answer(request.query()), current.answer(request.query()))
                    .withId(request.id()).withScenario(request.scenario()));
        }
        assertThatCandidates(cases).isPreferredOverBaseline();
    }
}
