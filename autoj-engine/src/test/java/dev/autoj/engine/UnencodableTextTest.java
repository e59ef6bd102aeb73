package dev.autoj.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.engine.backend.Backend;
import dev.autoj.engine.backend.Generation;
import dev.autoj.engine.backend.GenerationRequest;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.engine.protocol.UnencodableTextException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Half a character (a lone UTF-16 surrogate) cannot be encoded as UTF-8: it would reach the judge
 * and the store key as '?', so that "Par\uD800is" and "Par?is" would share a judgment. The Judge API
 * and the prompt builder refuse it, naming the text and the index, before any back end is asked.
 */
class UnencodableTextTest {

    /** A back end that must not be reached; it records what it was asked. */
    private static final class Untouched implements Backend {
        final List<GenerationRequest> asked = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "untouched";
        }

        @Override
        public String modelId() {
            return "GAIR/autoj-13b";
        }

        @Override
        public List<Generation> generate(List<GenerationRequest> requests) {
            asked.addAll(requests);
            throw new AssertionError("the back end was asked to judge text that cannot be encoded");
        }
    }

    @Test
    void gradeRefusesALoneHighSurrogateInTheResponseNamingTheRequestTheFieldAndTheIndex() {
        Untouched backend = new Untouched();
        try (Judge judge = Judges.builder().backend(backend).build()) {
            assertThatThrownBy(() -> judge.grade("Capital of France?", "Par\uD800is", Scenario.DEFAULT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .isInstanceOf(UnencodableTextException.class)
                    .hasMessageStartingWith("grade request 0: response holds an unpaired UTF-16 surrogate U+D800 at character index 3");
        }
        assertThat(backend.asked).isEmpty();
    }

    @Test
    void compareRefusesALoneLowSurrogateInTheSecondResponseAndInTheQuery() {
        Untouched backend = new Untouched();
        try (Judge judge = Judges.builder().backend(backend).build()) {
            assertThatThrownBy(() -> judge.compare("Capital of France?", "Paris", "Lyon\uDC00", Scenario.DEFAULT))
                    .isInstanceOf(UnencodableTextException.class)
                    .hasMessageStartingWith("compare request 0: response2 holds an unpaired UTF-16 surrogate U+DC00 at character index 4");
            assertThatThrownBy(() -> judge.compareInGivenOrderAll(List.of(
                    new Judge.CompareRequest("ok?", "a", "b", null), new Judge.CompareRequest("\uD83D?", "a", "b", null))))
                    .isInstanceOf(UnencodableTextException.class)
                    .hasMessageStartingWith("compare request 1: query holds an unpaired UTF-16 surrogate U+D83D at character index 0");
        }
        assertThat(backend.asked).isEmpty();
    }

    @Test
    void aWholeCharacterOutsideTheBasicPlaneIsJudgedNormally() {
        assertThat(PromptBuilder.single(Language.EN, "Capital of France? \uD83C\uDDEB\uD83C\uDDF7", "Paris \uD83D\uDE00").text())
                .contains("\uD83D\uDE00");
    }

    @Test
    void thePromptBuilderRefusesItToo() {
        assertThatThrownBy(() -> PromptBuilder.pairwise(Language.EN, "q", "a", "b\uD800"))
                .isInstanceOf(UnencodableTextException.class)
                .hasMessageStartingWith("The response 2 holds an unpaired UTF-16 surrogate U+D800 at character index 1")
                .satisfies(e -> assertThat(((UnencodableTextException) e).index()).isEqualTo(1));
    }
}
