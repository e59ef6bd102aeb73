package dev.autoj.junit;

import dev.autoj.engine.report.RunSummary;

import dev.autoj.assertions.JudgmentReport;
import dev.autoj.assertions.SetReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Reports judgments as JUnit report entries (shown by IDEs, kept in Surefire's XML). */
final class ReportEntryReporter implements JudgmentReporter {

    @Override
    public void report(JudgmentReport r, List<RunSummary.AnswerUse> answers, ExtensionContext test, boolean firstOfScenario) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("autoj.step", JudgmentReporter.title(r));
        entry.put("autoj.scenario", r.scenario().id());
        r.scenario().group().ifPresent(g -> entry.put("autoj.scenario-group", g.displayName()));
        entry.put("autoj.passed", String.valueOf(r.passed()));
        if (r.rubric() != null) {
            entry.put("autoj.rubric", r.rubric());
        }
        if (r.referenceAnswer() != null && !r.referenceAnswer().isBlank()) { // JUnit refuses blank entry values
            entry.put("autoj.reference-answer", r.referenceAnswer());
        }
        for (JudgmentReporter.Part part : JudgmentReporter.parts(r)) {
            String order = switch (part.order()) {
                case ONLY -> "";
                case ORIGINAL -> ".original";
                case SWAPPED -> ".swapped";
            };
            entry.put("autoj." + part.name() + order, part.text());
        }
        if (!answers.isEmpty()) {
            entry.put("autoj.answers", String.join("\n", answers.stream().map(RunSummary.AnswerUse::describe).toList()));
        }
        java.util.Set<String> notes = new java.util.LinkedHashSet<>();
        r.judgments().forEach(j -> {
            if (j.provenance().note() != null) {
                notes.add(j.provenance().note());
            }
        });
        if (!notes.isEmpty()) {
            entry.put("autoj.source-notes", String.join("\n", notes));
        }
        List<String> warnings = r.warnings();
        if (!warnings.isEmpty()) {
            entry.put("autoj.warnings", String.join("\n", warnings));
        }
        test.publishReportEntry(entry);
    }

    @Override
    public void reportSet(SetReport r, ExtensionContext test) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("autoj.step", SetReports.title(r));
        entry.put("autoj.passed", String.valueOf(r.passed()));
        entry.put("autoj.decision", r.result().decision().name());
        entry.put("autoj.set", r.description().strip());
        test.publishReportEntry(entry);
    }
}
