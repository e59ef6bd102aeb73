package dev.autoj.junit;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.assertions.JudgmentReport;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.report.RunSummary;

/** The JSON forms of judgments for attachments and the run summary (field names as the CLI's judge output). */
final class JudgmentJson {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JudgmentJson() {
    }

    /** The engine's one JSON form of a judgment, for attachments and report entries. */
    static ObjectNode judgment(Judgment j) {
        return dev.autoj.engine.report.JudgmentJson.of(j);
    }

    /** The run summary's entry of one assertion's judgment(s). */
    static RunSummary.JudgmentEntry summaryEntry(JudgmentReport r, List<RunSummary.AnswerUse> answers) {
        Comparison c = r.comparison();
        return new RunSummary.JudgmentEntry(r.assertion(), r.expectation(), r.protocol(), r.scenario().id(), r.passed(),
                c == null ? null : r.policy().configName(),
                c == null ? null : java.util.Arrays.asList(c.original().verdict(), c.swapped().verdict()),
                c == null ? null : c.combined(), c == null ? null : c.consistent(),
                c == null ? r.judgment().rating() : null,
                r.judgments().stream().filter(Judgment::isNoVerdict).map(Judgment::noVerdictReason).findFirst().orElse(null),
                r.judgments().get(0).source(), r.judgments().stream().mapToLong(j -> j.latency().toMillis()).sum(), r.warnings(),
                r.judgments().stream().map(j -> j.provenance().note()).filter(java.util.Objects::nonNull).distinct().toList(), answers,
                r.rubric(), r.referenceAnswer());
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write autoj JSON: " + e.getMessage(), e);
        }
    }
}
