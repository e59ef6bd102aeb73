package dev.autoj.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioAnswerTest {

    @Test
    void theFirstLineOfTheClassifierOutputIsLookedUp() {
        ScenarioAnswer answer = ScenarioAnswer.fromClassifierOutput(" code_generation\nsomething after");

        assertThat(answer.scenario()).isEqualTo(Scenario.CODE_GENERATION);
        assertThat(answer.isUnrecognised()).isFalse();
    }

    @Test
    void anAnswerThatNamesNoScenarioBecomesDefaultAndKeepsTheText() {
        ScenarioAnswer answer = ScenarioAnswer.fromClassifierOutput("code generation task");

        assertThat(answer.scenario()).isEqualTo(Scenario.DEFAULT);
        assertThat(answer.unrecognised()).isEqualTo("code generation task");
        assertThat(ScenarioAnswer.fromClassifierOutput("").isUnrecognised()).isTrue();
    }

    @Test
    void accuracyIsPerTrueCategoryAndCountsUnrecognisedAnswers() {
        ScenarioReport report = ScenarioEvaluation.evaluate(
                List.of(Scenario.RANKING, Scenario.RANKING, Scenario.DEFAULT),
                List.of(ScenarioAnswer.of(Scenario.RANKING), ScenarioAnswer.of(Scenario.CHITCHAT),
                        ScenarioAnswer.fromClassifierOutput("unsure")));

        assertThat(report.correct()).isEqualTo(2);
        assertThat(report.accuracy()).isEqualTo(66.67);
        assertThat(report.unrecognised()).isEqualTo(1);
        assertThat(report.categories()).containsExactly(new CategoryFigures(Scenario.RANKING, 2, 1, 50.0),
                new CategoryFigures(Scenario.DEFAULT, 1, 1, 100.0));
    }
}
