package dev.autoj.junit;

import dev.autoj.assertions.JudgmentReport;
import dev.autoj.assertions.SetReport;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.report.Figures;
import dev.autoj.engine.report.RunSummary;
import dev.autoj.engine.report.SetDecision;
import dev.autoj.engine.report.SetDecisionText;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Reports each judgment as an Allure step of the running test, with the critique, the prompt
 * and the judgment JSON as attachments. A set-level assertion ({@code assertThatCandidates}) is one
 * step with one HTML report of every case (its row, and the critiques, failing and flipped cases
 * first), not a step and attachments per case: a set of 5,000 cases wrote 30,000 files before.
 * Loaded only when Allure is on the classpath.
 */
final class AllureReporter implements JudgmentReporter {

    /** The set-level assertions, whose cases arrive as {@code <assertion>[<case>]} before their {@link SetReport}. */
    private static final java.util.Set<String> SET_ASSERTIONS = java.util.Set.of("isPreferredOverBaseline", "isNotWorseThanBaseline");

    /** Whether {@code r} is one case of a set-level assertion (reported by {@link #reportSet}, in its HTML report). */
    static boolean setCase(JudgmentReport r) {
        int bracket = r.assertion().indexOf('[');
        return bracket > 0 && r.assertion().endsWith("]") && SET_ASSERTIONS.contains(r.assertion().substring(0, bracket));
    }

    /** True when Allure is on the classpath and is recording a test on this thread. */
    static boolean recording() {
        return Allure.getLifecycle().getCurrentTestCase().isPresent();
    }

    @Override
    public void report(JudgmentReport r, List<RunSummary.AnswerUse> answers, ExtensionContext test, boolean firstOfScenario) {
        if (firstOfScenario) {
            Allure.label("autoj.scenario", r.scenario().id());
            r.scenario().group().ifPresent(g -> Allure.label("autoj.scenario_group", g.displayName()));
        }
        if (setCase(r)) {
            return;
        }
        AllureLifecycle lifecycle = Allure.getLifecycle();
        String uuid = UUID.randomUUID().toString();
        lifecycle.startStep(uuid, new StepResult().setName(JudgmentReporter.title(r)).setParameters(parameters(r, answers)));
        try {
            for (JudgmentReporter.Part part : JudgmentReporter.parts(r)) {
                String order = switch (part.order()) {
                    case ONLY -> "";
                    case ORIGINAL -> " (original order)";
                    case SWAPPED -> " (swapped order)";
                };
                Allure.addAttachment(part.name() + order, part.json() ? "application/json" : "text/plain", part.text(),
                        part.json() ? ".json" : ".txt");
            }
            if (!r.warnings().isEmpty()) {
                Allure.addAttachment("warnings", "text/plain", String.join("\n", r.warnings()), ".txt");
            }
        } finally {
            lifecycle.updateStep(uuid, step -> step.setStatus(r.passed() ? Status.PASSED : Status.FAILED)
                    .setStatusDetails(r.passed() ? null : new StatusDetails().setMessage(r.failureMessage())));
            lifecycle.stopStep(uuid);
        }
    }

    /**
     * The set-level decision as one step after its cases' steps: the figures as parameters, the
     * case table and charts as an HTML attachment, the assertion's description as text. An
     * inconclusive decision that aborts the test is a skipped step, as the test is.
     */
    @Override
    public void reportSet(SetReport r, ExtensionContext test) {
        SetDecision s = r.result();
        List<Parameter> p = setParameters(r);
        AllureLifecycle lifecycle = Allure.getLifecycle();
        String uuid = UUID.randomUUID().toString();
        lifecycle.startStep(uuid, new StepResult().setName(SetReports.title(r)).setParameters(p));
        Status status = switch (s.decision()) {
            case PASS -> Status.PASSED;
            case FAIL -> Status.FAILED;
            case INCONCLUSIVE -> r.inconclusiveFails() ? Status.FAILED : Status.SKIPPED;
        };
        try {
            Allure.addAttachment("set-level report", "text/html", SetReports.html(r), ".html");
            Allure.addAttachment("figures", "text/plain", r.description().strip(), ".txt");
        } finally {
            lifecycle.updateStep(uuid, step -> step.setStatus(status)
                    .setStatusDetails(r.passed() ? null : new StatusDetails().setMessage(r.description().strip())));
            lifecycle.stopStep(uuid);
        }
    }

    static List<Parameter> parameters(JudgmentReport r, List<RunSummary.AnswerUse> answers) {
        List<Parameter> p = new ArrayList<>();
        p.add(param("scenario", r.scenario().id()));
        if (r.rubric() != null) {
            // What the judge graded against: a reviewer needs it to read the rating or the verdict.
            p.add(param("rubric", r.rubric()));
        }
        if (r.referenceAnswer() != null) {
            p.add(param("reference answer", r.referenceAnswer()));
        }
        if (r.comparison() != null) {
            p.add(param("verdict (original order)", Figures.verdict(r.comparison().original().verdict())));
            p.add(param("verdict (swapped order)", Figures.verdict(r.comparison().swapped().verdict())));
            p.add(param("consistency", r.comparison().consistent() ? "consistent" : "orders disagree"));
            p.add(param("position policy", r.policy().configName()));
        } else {
            Judgment j = r.judgment();
            p.add(param("rating", j.isNoVerdict() ? "no verdict: " + j.noVerdictReason()
                    : Figures.rating(j.rating())));
        }
        Judgment first = r.judgments().get(0);
        p.add(param("source", first.source()));
        if (first.provenance().note() != null) {
            p.add(param("source note", first.provenance().note()));
        }
        for (RunSummary.AnswerUse a : answers) {
            // Where the judged text came from, next to the judgment that used it.
            p.add(param(a.role() + " answer", a.describe().substring(a.role().length() + 2)));
        }
        p.add(param("latency", r.judgments().stream().mapToLong(j -> j.latency().toMillis()).sum() + " ms"));
        p.add(param("model", String.valueOf(first.modelId())));
        if (!r.warnings().isEmpty()) {
            // In the step's table too, not only as an attachment: a skipped quoted verdict marker is
            // something a reader of a passed step should see without opening anything.
            p.add(param("warnings", String.join(" | ", r.warnings())));
        }
        return p;
    }

    /** The set step's parameters: the decision, the method, summary.md's figures, the rubric and the reference answers. */
    static List<Parameter> setParameters(SetReport r) {
        SetDecision s = r.result();
        List<Parameter> p = new ArrayList<>();
        p.add(param("decision", s.decision().name()));
        p.add(param("method", s.method().jsonName()));
        // The figures as summary.md's table gives them; the decision's reason is in the step's title and message.
        SetDecisionText.rows(s).stream().filter(row -> !row[0].equals("decision")).forEach(row -> p.add(param(row[0], row[1])));
        r.rubrics().forEach(rubric -> p.add(param("rubric", rubric)));
        if (r.casesWithReferenceAnswer() > 0) {
            p.add(param("reference answers", r.casesWithReferenceAnswer() + " of " + s.counts().judged()
                    + " judged cases (each case's is in summary.json)"));
        }
        return p;
    }

    private static Parameter param(String name, String value) {
        return new Parameter().setName(name).setValue(value);
    }
}
