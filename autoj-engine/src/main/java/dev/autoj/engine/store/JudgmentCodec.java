package dev.autoj.engine.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.backend.Sampling;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.backend.StopReason;
import dev.autoj.engine.protocol.ParsedVerdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON form of one stored judgment ({@value #FORMAT}): one pretty-printed document per file, in
 * the layout of {@link StoreJson}. A change of format is a change here and of {@link #FORMAT}.
 */
final class JudgmentCodec {

    /** The format tag written into every document. */
    static final String FORMAT = "autoj-judgment/1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private JudgmentCodec() {
    }

    /** The document of {@code j} under {@code key}, as UTF-8 bytes ending in a new line. */
    static byte[] write(String key, StoredJudgment j) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("key", key);
        root.put("model", j.modelId());
        root.put("protocol", lower(j.protocol()));
        root.put("language", lower(j.language()));
        ObjectNode decoding = root.putObject("decoding");
        decoding.put("greedy", j.sampling() == null);
        if (j.sampling() != null) {
            decoding.put("temperature", j.sampling().temperature());
            decoding.put("top_p", j.sampling().topP());
            decoding.put("repetition_penalty", j.sampling().repetitionPenalty());
        }
        decoding.put("max_new_tokens", j.maxNewTokens());
        ObjectNode request = root.putObject("request");
        j.request().forEach(request::put);
        root.put("prompt", j.prompt());
        if (j.rawOutput() == null) {
            root.putNull("raw_output");
        } else {
            root.put("raw_output", j.rawOutput());
        }
        if (j.note() != null) {
            root.put("note", j.note());
        }
        if (j.result() == null) {
            root.putNull("result");
        } else {
            ObjectNode result = root.putObject("result");
            ParsedVerdict r = j.result();
            if (r.verdict() != null) {
                result.put("verdict", lower(r.verdict()));
            } else if (r.rating() != null) {
                result.put("rating", r.rating());
            } else {
                result.put("no_verdict", r.noVerdictReason());
            }
        }
        root.put("source", j.source());
        if (j.stopReason() == null) {
            root.putNull("stop_reason");
        } else {
            root.put("stop_reason", lower(j.stopReason()));
        }
        root.put("prompt_tokens", j.promptTokens());
        root.put("generated_tokens", j.generatedTokens());
        root.put("recorded_at", j.recordedAt().toString());
        try {
            String text = StoreJson.PRETTY.writeValueAsString(root) + "\n";
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new StoreException("Cannot serialise the judgment with key " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * The judgment in {@code bytes}, read from {@code file}.
     *
     * @throws StoreException naming the file, what is damaged and how to repair it
     */
    static StoredJudgment read(Path file, byte[] bytes) {
        try {
            JsonNode root = StoreJson.document(bytes, FORMAT);
            JsonNode decoding = StoreJson.required(root, "decoding");
            Map<String, String> request = new LinkedHashMap<>();
            JsonNode requestNode = StoreJson.required(root, "request");
            if (!requestNode.isObject()) {
                throw new IllegalArgumentException("the field \"request\" is not an object");
            }
            for (Map.Entry<String, JsonNode> e : requestNode.properties()) {
                request.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
            }
            JsonNode raw = StoreJson.required(root, "raw_output");
            JsonNode stop = StoreJson.required(root, "stop_reason");
            return new StoredJudgment(
                    StoreJson.text(root, "model"),
                    Protocol.valueOf(StoreJson.text(root, "protocol").toUpperCase(Locale.ROOT)),
                    Language.valueOf(StoreJson.text(root, "language").toUpperCase(Locale.ROOT)),
                    StoreJson.required(decoding, "max_new_tokens").intValue(),
                    request,
                    StoreJson.text(root, "prompt"),
                    raw.isNull() ? null : raw.textValue(),
                    root.hasNonNull("note") ? root.get("note").asText() : null,
                    result(StoreJson.required(root, "result")),
                    StoreJson.text(root, "source"),
                    stop.isNull() ? null : StopReason.valueOf(stop.asText().toUpperCase(Locale.ROOT)),
                    StoreJson.required(root, "prompt_tokens").intValue(),
                    StoreJson.required(root, "generated_tokens").intValue(),
                    Instant.parse(StoreJson.text(root, "recorded_at")),
                    sampling(decoding));
        } catch (IOException | IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            String reason = StoreJson.damage(e);
            throw new StoreException("Damaged judgment file " + file + ": " + reason
                    + ". Restore it from version control, or delete it and record the judgment again"
                    + " (`store verify --store " + file.getParent().getParent() + "` lists every bad file).", e);
        }
    }

    /** The document's {@code key} field as written, or null when it has none. */
    static String keyField(byte[] bytes) throws IOException {
        return JSON.readTree(bytes).path("key").asText(null);
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** A sampled record's sampling; null for greedy (every record written before sampling existed says greedy). */
    private static Sampling sampling(JsonNode decoding) {
        if (decoding.path("greedy").asBoolean(true)) {
            return null;
        }
        return new Sampling(StoreJson.required(decoding, "temperature").doubleValue(),
                StoreJson.required(decoding, "top_p").doubleValue(),
                StoreJson.required(decoding, "repetition_penalty").doubleValue());
    }

    private static ParsedVerdict result(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.has("verdict")) {
            return ParsedVerdict.of(Verdict.valueOf(node.get("verdict").asText().toUpperCase(Locale.ROOT)));
        }
        if (node.has("rating")) {
            JsonNode rating = node.get("rating");
            if (!rating.isNumber()) {
                throw new IllegalArgumentException("its rating is not a number");
            }
            return ParsedVerdict.ofRating(rating.doubleValue());
        }
        if (node.has("no_verdict")) {
            return ParsedVerdict.noVerdict(node.get("no_verdict").asText());
        }
        throw new IllegalArgumentException("its result has none of verdict, rating, no_verdict");
    }
}
