package dev.autoj.engine.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Judgment;
import java.util.Locale;

/**
 * The one JSON form of a {@link Judgment}, used by the reports (Allure attachments, JUnit report
 * entries) and by the {@code autoj judge} output alike; docs/cli.md and docs/reports.md list the
 * fields. The judgment store keeps its own record ({@code StoredJudgment}): what it writes is the
 * request and the raw output a judgment is rebuilt from, not this view.
 *
 * <pre>{@code
 * ObjectNode json = JudgmentJson.of(judgment);
 * json.get("verdict");   // "RESPONSE_1", or null for a rating or a no-verdict
 * }</pre>
 */
public final class JudgmentJson {

    private JudgmentJson() {
    }

    /**
     * Every field of the judgment: protocol, language, scenario, verdict, rating, no_verdict,
     * critique, raw, prompt_sha256, model, backend, source, prompt_tokens, generated_tokens,
     * latency_ms, warnings; {@code source_note} when the source has a note (a label without critique).
     */
    public static ObjectNode of(Judgment j) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("protocol", j.protocol().name().toLowerCase(Locale.ROOT));
        node.put("language", j.language().name().toLowerCase(Locale.ROOT));
        node.put("scenario", j.scenario().id());
        node.put("verdict", j.verdict() == null ? null : j.verdict().name());
        if (j.rating() == null) {
            node.putNull("rating");
        } else {
            node.put("rating", j.rating());
        }
        node.put("no_verdict", j.noVerdictReason());
        node.put("critique", j.critique());
        node.put("raw", j.rawOutput());
        node.put("prompt_sha256", j.promptSha256());
        node.put("model", j.modelId());
        node.put("backend", j.backend());
        node.put("source", j.source());
        if (j.provenance().note() != null) {
            node.put("source_note", j.provenance().note());
        }
        node.put("prompt_tokens", j.promptTokens());
        node.put("generated_tokens", j.generatedTokens());
        node.put("latency_ms", j.latency().toMillis());
        ArrayNode warnings = node.putArray("warnings");
        j.warnings().forEach(warnings::add);
        return node;
    }
}
