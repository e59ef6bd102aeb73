package dev.autoj.engine.store;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.backend.Sampling;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.engine.internal.Components;
import dev.autoj.engine.protocol.ParsedVerdict;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One judgment as the store keeps it: what was asked, the exact prompt, what the judge said and
 * where that came from. Its key is {@link JudgmentKey#of(String, Protocol, Language, String, int)}
 * of the model id, protocol, language, prompt and token budget.
 *
 * <pre>{@code
 * StoredJudgment j = store.find(key).orElseThrow();
 * j.rawOutput();   // the judge's text, or null for a published verdict label
 * }</pre>
 *
 * @param modelId the judge model, e.g. {@code "GAIR/autoj-13b"}
 * @param protocol single, pairwise or scenario
 * @param language the template language
 * @param maxNewTokens the token budget of the greedy decoding
 * @param request the request as given (query, responses, order, scenario), in a stable order
 * @param prompt the exact model input
 * @param rawOutput the judge's output exactly as generated, or null when only a verdict label is known
 * @param note a remark for readers, e.g. why there is no raw output; null when none
 * @param result the parsed verdict, rating or no-verdict; null for a scenario answer
 * @param source {@code "live:<backend>"} or {@code "published:auto-j-testbed"}
 * @param stopReason why generation ended, or null when unknown
 * @param promptTokens prompt tokens, -1 when unknown
 * @param generatedTokens generated tokens, -1 when unknown
 * @param recordedAt when it was recorded (not part of the key)
 * @param sampling how the output was sampled, or null for greedy decoding (part of the key)
 */
public record StoredJudgment(
        String modelId,
        Protocol protocol,
        Language language,
        int maxNewTokens,
        Map<String, String> request,
        String prompt,
        String rawOutput,
        String note,
        ParsedVerdict result,
        String source,
        StopReason stopReason,
        int promptTokens,
        int generatedTokens,
        Instant recordedAt,
        Sampling sampling) {

    /** A greedy judgment. */
    public StoredJudgment(String modelId, Protocol protocol, Language language, int maxNewTokens, Map<String, String> request,
            String prompt, String rawOutput, String note, ParsedVerdict result, String source, StopReason stopReason,
            int promptTokens, int generatedTokens, Instant recordedAt) {
        this(modelId, protocol, language, maxNewTokens, request, prompt, rawOutput, note, result, source, stopReason,
                promptTokens, generatedTokens, recordedAt, null);
    }

    public StoredJudgment {
        Components.requireNonNull("modelId protocol language prompt source recordedAt",
                modelId, protocol, language, prompt, source, recordedAt);
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
        if (rawOutput == null && result == null) {
            throw new IllegalArgumentException("a stored judgment needs a raw output or a result");
        }
        request = Collections.unmodifiableMap(new LinkedHashMap<>(request == null ? Map.of() : request));
    }

    /**
     * The request fields that hold judged texts, in the order a prompt shows them: Auto-J's, then Prometheus 2's
     * ({@code instruction}, {@code response_A}, {@code response_B}, {@code rubric}, {@code reference_answer}).
     */
    private static final List<String> JUDGED_FIELDS = List.of("query", "instruction", "response", "response_1", "response_2",
            "response_A", "response_B", "rubric", "reference_answer");

    /**
     * Judged texts as request fields: a text named as the prompt shows it ({@code "response 1"}) is
     * recorded under {@code response_1}; {@link #judgedTexts()} reads them back.
     */
    public static Map<String, String> requestFields(Map<String, String> judgedTexts) {
        Map<String, String> fields = new LinkedHashMap<>();
        judgedTexts.forEach((name, text) -> fields.put(name.replace(' ', '_'), text));
        return fields;
    }

    /**
     * The judged texts of the recorded request, named as the prompt shows them, so that a raw output is
     * read as the judge read it when it recorded it (skipping markers quoted from these texts).
     */
    public Map<String, String> judgedTexts() {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String field : JUDGED_FIELDS) {
            if (request.get(field) != null) {
                texts.put(field.replace('_', ' '), request.get(field));
            }
        }
        return texts;
    }

    /** This judgment's store key. */
    public String key() {
        return JudgmentKey.of(modelId, protocol, language, prompt, maxNewTokens, sampling);
    }

    /**
     * True when both hold the same judge answer, whatever their source or time: the same raw output
     * and the same verdict or rating (two no-verdicts match even when their reasons are worded apart).
     */
    public boolean sameOutputAs(StoredJudgment other) {
        return Objects.equals(rawOutput, other.rawOutput) && sameResult(result, other.result);
    }

    static boolean sameResult(ParsedVerdict a, ParsedVerdict b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.verdict() == b.verdict() && Objects.equals(a.rating(), b.rating()) && a.isNoVerdict() == b.isNoVerdict();
    }
}
