package dev.autoj.junit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.autoj.assertions.JudgmentReport;
import dev.autoj.engine.Judgment;
import java.util.LinkedHashMap;
import java.util.List;
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

    /** A compact summary entry of one assertion's judgment(s). */
    static Map<String, Object> summaryEntry(JudgmentReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("assertion", r.assertion());
        m.put("expectation", r.expectation());
        m.put("protocol", r.protocol().name().toLowerCase(Locale.ROOT));
        m.put("scenario", r.scenario().id());
        m.put("passed", r.passed());
        if (r.comparison() != null) {
            m.put("position_policy", r.policy().configName());
            m.put("verdicts", List.of(verdict(r.comparison().original()), verdict(r.comparison().swapped())));
            m.put("combined", r.comparison().combined() == null ? null : r.comparison().combined().name());
            m.put("consistent", r.comparison().consistent());
        } else {
            m.put("rating", r.judgment().rating());
        }
        m.put("no_verdict", r.judgments().stream().filter(Judgment::isNoVerdict).map(Judgment::noVerdictReason)
                .findFirst().orElse(null));
        m.put("source", r.judgments().get(0).source());
        m.put("latency_ms", r.judgments().stream().mapToLong(j -> j.latency().toMillis()).sum());
        m.put("warnings", r.warnings());
        return m;
    }

    private static String verdict(Judgment j) {
        return j.verdict() == null ? null : j.verdict().name();
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write autoj JSON: " + e.getMessage(), e);
        }
    }
}
