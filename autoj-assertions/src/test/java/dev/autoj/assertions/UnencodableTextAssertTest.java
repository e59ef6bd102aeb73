package dev.autoj.assertions;

import static dev.autoj.assertions.AutoJAssertions.assertThatResponse;
import static dev.autoj.assertions.AutoJAssertions.assertThatResponses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autoj.assertions.fixtures.QuotingBackend;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judges;
import dev.autoj.engine.protocol.UnencodableTextException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Half a character in a response, baseline or query is refused by the assertion, named as the test names it. */
class UnencodableTextAssertTest {

    private Judge judge;

    @BeforeEach
    void buildJudge() {
        judge = Judges.builder().backend(new QuotingBackend()).build();
    }

    @AfterEach
    void closeJudge() {
        judge.close();
    }

    @Test
    void aLoneSurrogateInTheBaselineIsRefusedNamingTheBaselineAndTheIndex() {
        assertThatThrownBy(() -> assertThatResponse("Paris").forQuery("Capital of France?").judgedBy(judge)
                .isPreferredOver("Par\uD800is"))
                .isInstanceOf(IllegalArgumentException.class)
                .isInstanceOf(UnencodableTextException.class)
                .hasMessageStartingWith("The baseline holds an unpaired UTF-16 surrogate U+D800 at character index 3");
    }

    @Test
    void aLoneSurrogateInTheResponseOrTheQueryIsRefusedBeforeGrading() {
        assertThatThrownBy(() -> assertThatResponse("Paris\uDC00").forQuery("Capital of France?").judgedBy(judge).scoresAtLeast(5))
                .isInstanceOf(UnencodableTextException.class)
                .hasMessageStartingWith("The response holds an unpaired UTF-16 surrogate U+DC00 at character index 5");
        assertThatThrownBy(() -> assertThatResponse("Paris").forQuery("\uD800Capital?").judgedBy(judge).critique().isNotEmpty())
                .isInstanceOf(UnencodableTextException.class)
                .hasMessageStartingWith("The query holds an unpaired UTF-16 surrogate U+D800 at character index 0");
    }

    @Test
    void aLoneSurrogateInOneSampleNamesTheSample() {
        assertThatThrownBy(() -> assertThatResponses(List.of("Paris", "Par\uD800is")).forQuery("Capital of France?")
                .judgedBy(judge).scoresAtLeast(5).inAll())
                .isInstanceOf(UnencodableTextException.class)
                .hasMessageStartingWith("Sample 2 of the responses holds an unpaired UTF-16 surrogate U+D800 at character index 3");
    }
}
