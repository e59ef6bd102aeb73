package dev.autoj.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.assertions.JudgmentReport;
import dev.autoj.assertions.PairedCase;
import dev.autoj.assertions.SetReport;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.report.SetDecision;
import io.qameta.allure.model.Parameter;
import dev.autoj.assertions.PositionPolicy;
import dev.autoj.assertions.fixtures.PrintedValues;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Provenance;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.family.prometheus.Rubric;
import dev.autoj.engine.protocol.Prompt;
import dev.autoj.engine.report.RunSummary;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The extension's summary takes each judgment's rubric and reference answer from the prompt the judge saw
 * (Prometheus 2's, built by its family here; no judge is asked, and the rating 4 is the test's own value).
 */
class RubricInRunSummaryTest {

    @Test
    void summaryJsonAndMdListTheRubricAndTheReferenceAnswerThePromptShowed() {
        String reference = "Two crashes fixed, a dark theme added.";
        Prompt prompt = JudgeFamilies.PROMETHEUS.gradePrompt(new Judge.GradeRequest(PrintedValues.QUERY, PrintedValues.RESPONSE,
                null).withRubric("helpfulness").withReferenceAnswer(reference));
        Judgment judgment = new Judgment(Protocol.SINGLE, Language.EN, Scenario.DEFAULT, null, 4.0, null, "", "", "", "none",
                "printing", Provenance.live("printing"), -1, -1, Duration.ZERO, List.of(), prompt);
        JudgmentReport report = new JudgmentReport("scoresAtLeast", "score at least 4", PrintedValues.QUERY,
                PrintedValues.RESPONSE, null, Scenario.DEFAULT, Language.EN, PositionPolicy.BOTH, null, judgment, true, null);
        TestRecord test = new TestRecord("[engine:junit-jupiter]/[class:com.example.T]/[method:graded()]", "com.example.T", "graded()");
        test.judgments.add(report);
        test.status = TestRecord.Status.PASSED;

        SummaryWriter summary = new SummaryWriter(List.of(test), 0, 0);

        RunSummary.JudgmentEntry entry = summary.document().tests().get(0).judgments().get(0);
        assertThat(entry.rubric()).as("the predefined rubric as the prompt showed it").isEqualTo(Rubric.HELPFULNESS.text());
        assertThat(entry.referenceAnswer()).isEqualTo(reference);
        assertThat(summary.document().toJson()).contains("\"reference_answer\" : \"" + reference + "\"");
        assertThat(summary.markdown()).contains("scoresAtLeast: rating 4 (default) · rubric `" + entry.rubricSha256().substring(0, 12)
                + "` · reference answer `" + entry.referenceAnswerSha256().substring(0, 12) + "` |")
                .contains("### Rubrics and reference answers");
    }

    /** A judgment of {@code request} under Prometheus's prompt in the given order; the verdict is the test's own. */
    private static Judgment compared(Judge.CompareRequest request, boolean swapped, Verdict verdict) {
        Prompt prompt = JudgeFamilies.PROMETHEUS.comparePrompt(request, swapped);
        return new Judgment(Protocol.PAIRWISE, Language.EN, Scenario.DEFAULT, verdict, null, null, "", "", "", "none",
                "printing", Provenance.live("printing"), -1, -1, Duration.ZERO, List.of(), prompt);
    }

    @Test
    void theSetStepOfAllureNamesTheSetsRubricAndCountsTheReferenceAnswers() {
        Rubric concise = Rubric.of("Is the summary concise?", "Rambling.", "Mostly rambling.", "Adequate.", "Mostly concise.",
                "Concise and complete.");
        List<PairedCase> cases = List.of(PairedCase.of("q1", "c1", "b1").withReferenceAnswer("r1"), PairedCase.of("q2", "c2", "b2"));
        List<Comparison> comparisons = cases.stream().map(c -> {
            Judge.CompareRequest request = new Judge.CompareRequest(c.query(), c.candidate(), c.baseline(), null)
                    .withRubric(concise.criteriaLine()).withReferenceAnswer(c.referenceAnswer());
            return Comparison.of(compared(request, false, Verdict.RESPONSE_1), compared(request, true, Verdict.RESPONSE_2));
        }).toList();
        SetDecision decision = new SetDecision("isPreferredOverBaseline", SetDecision.Decision.INCONCLUSIVE, "too few cases",
                new SetDecision.Counts(2, 2, 2, 0, 0, 0, 0), new SetDecision.Mean(1, 1), new SetDecision.WinShare(1, 0.3, 1),
                new SetDecision.SignTest(0.25), 0.05, 5, List.of());

        List<Parameter> parameters = AllureReporter.setParameters(new SetReport(decision, cases, comparisons, false));

        assertThat(parameters).filteredOn(p -> p.getName().equals("rubric")).extracting(Parameter::getValue)
                .containsExactly(concise.criteriaLine());
        assertThat(parameters).filteredOn(p -> p.getName().equals("reference answers")).extracting(Parameter::getValue)
                .containsExactly("1 of 2 judged cases (each case's is in summary.json)");
    }
}
