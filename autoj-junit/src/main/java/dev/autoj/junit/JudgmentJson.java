package dev.autoj.junit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.autoj.assertions.JudgmentReport;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.report.RunSummary;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The JSON forms of judgments for attachments and the run summary (field names as the CLI's judge output). */
final class JudgmentJson {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JudgmentJson() {
    }

    static Map<String, Object> judgment(Judgment j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", j.protocol().name().toLowerCase(Locale.ROOT));
        m.put("language", j.language().name().toLowerCase(Locale.ROOT));
        m.put("scenario", j.scenario().id());
        m.put("verdict", j.verdict() == null ? null : j.verdict().name());
        m.put("rating", j.rating());
        m.put("no_verdict", j.noVerdictReason());
        m.put("critique", j.critique());
        m.put("raw", j.rawOutput());
        m.put("prompt_sha256", j.promptSha256());
        m.put("model", j.modelId());
        m.put("backend", j.backend());
        m.put("source", j.source());
        m.put("prompt_tokens", j.promptTokens());
        m.put("generated_tokens", j.generatedTokens());
        m.put("latency_ms", j.latency().toMillis());
        m.put("warnings", j.warnings());
        return m;
    }

    /** The run summary's entry of one assertion's judgment(s). */
    static RunSummary.JudgmentEntry summaryEntry(JudgmentReport r) {
        Comparison c = r.comparison();
        return new RunSummary.JudgmentEntry(r.assertion(), r.expectation(), r.protocol(), r.scenario().id(), r.passed(),
                c == null ? null : r.policy().configName(),
                c == null ? null : java.util.Arrays.asList(c.original().verdict(), c.swapped().verdict()),
                c == null ? null : c.combined(), c == null ? null : c.consistent(),
                c == null ? r.judgment().rating() : null,
                r.judgments().stream().filter(Judgment::isNoVerdict).map(Judgment::noVerdictReason).findFirst().orElse(null),
                r.judgments().get(0).source(), r.judgments().stream().mapToLong(j -> j.latency().toMillis()).sum(), r.warnings());
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write autoj JSON: " + e.getMessage(), e);
        }
    }
}
