package dev.autoj.engine.agreement;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A file of cases labelled by the team's own people (JSON Lines, UTF-8, one case a line, blank lines
 * skipped): either pairwise cases ({@link LabelledPair}) or single-response cases
 * ({@link LabelledResponse}), not both in one file. docs/which-judge.md describes the format.
 *
 * <pre>{@code
 * {"id":"refund-1","query":"…","response_1":"…","response_2":"…","label":1,"scenario":"seeking_advice","tags":["billing"]}
 * {"id":"haiku-3","query":"…","response":"…","score":6,"tags":["poetry"]}
 * }</pre>
 *
 * <p>{@code label} is {@code 1} (response_1 is better), {@code 2} (response_2 is better) or
 * {@code "tie"}; {@code score} a number on the judge's scale; {@code id}, {@code scenario} (an
 * Auto-J scenario name), {@code tags} (strings) and {@code language} ({@code en}, {@code zh}) are
 * optional. An unknown field is refused with the closest known one, so a typo loses nothing.
 *
 * <p>The published Auto-J pairwise testbed ({@code testdata_pairwise.jsonl}: {@code prompt},
 * {@code response 1}, {@code response 2}, {@code scenario}, {@code label} 0 / 1 / 2) is read as it
 * is, its labels being the human labels ({@link Format#AUTOJ_PAIRWISE_TESTBED}).
 *
 * <pre>{@code
 * LabelledCases cases = LabelledCases.read(Path.of("src/test/resources/labelled/support.jsonl"));
 * PairwiseAgreementReport r = PairwiseAgreement.evaluate(cases.pairs(), judge.compareAll(cases.compareRequests()));
 * }</pre>
 *
 * <p>A bad file fails with a {@link LabelledCaseException} naming the file, line and field.
 */
public final class LabelledCases {

    /** How the file spelled its cases. */
    public enum Format {
        /** autoj's own format (above). */
        LABELLED,
        /** The Auto-J pairwise testbed: label 0 = response 1, 1 = response 2, 2 = tie. */
        AUTOJ_PAIRWISE_TESTBED
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final List<String> PAIR_FIELDS = List.of("id", "query", "response_1", "response_2", "label", "scenario", "tags", "language");
    private static final List<String> SINGLE_FIELDS = List.of("id", "query", "response", "score", "scenario", "tags", "language");
    private static final String LABEL_FIX = "write 1 (response_1 is better), 2 (response_2 is better) or \"tie\"";

    private final String source;
    private final Format format;
    private final List<LabelledPair> pairs;
    private final List<LabelledResponse> responses;

    private LabelledCases(String source, Format format, List<LabelledPair> pairs, List<LabelledResponse> responses) {
        this.source = source;
        this.format = format;
        this.pairs = List.copyOf(pairs);
        this.responses = List.copyOf(responses);
    }

    /** Pairwise cases made in code. */
    public static LabelledCases ofPairs(List<LabelledPair> pairs) {
        return new LabelledCases("(in code)", Format.LABELLED, requireSome(pairs), List.of());
    }

    /** Single-response cases made in code. */
    public static LabelledCases ofResponses(List<LabelledResponse> responses) {
        return new LabelledCases("(in code)", Format.LABELLED, List.of(), requireSome(responses));
    }

    /**
     * Reads a labelled-case file.
     *
     * @throws LabelledCaseException when the file is missing, unreadable, empty or a line is not a valid case
     */
    public static LabelledCases read(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file, reader);
        } catch (NoSuchFileException e) {
            throw new LabelledCaseException(file, 0, null, "no such file", "check the path (relative paths start at "
                    + Path.of("").toAbsolutePath() + ")", e);
        } catch (CharacterCodingException e) {
            throw new LabelledCaseException(file, 0, null, "is not valid UTF-8", "save the file as UTF-8", e);
        } catch (IOException e) {
            throw new LabelledCaseException(file, 0, null, "cannot be read (" + e + ")", "check that it is a readable file", e);
        }
    }

    /** Reads a labelled-case file from the class path, e.g. {@code "labelled/support.jsonl"} under src/test/resources. */
    public static LabelledCases fromClasspath(String resource) {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new LabelledCaseException(Path.of(name), 0, null, "is not on the class path",
                    "put it under src/test/resources (e.g. src/test/resources/" + name + ")", null);
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return parse(Path.of(name), reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read class-path resource " + name, e);
        }
    }

    /** Where the cases came from: the file, or {@code (in code)}. */
    public String source() {
        return source;
    }

    public Format format() {
        return format;
    }

    /** True for pairwise cases, false for single-response cases. */
    public boolean isPairwise() {
        return !pairs.isEmpty();
    }

    /** The pairwise cases, in file order; empty for a single-response file. */
    public List<LabelledPair> pairs() {
        return pairs;
    }

    /** The single-response cases, in file order; empty for a pairwise file. */
    public List<LabelledResponse> responses() {
        return responses;
    }

    /** A pairwise request per case, in case order, for {@code Judge.compareAll}. */
    public List<Judge.CompareRequest> compareRequests() {
        return pairs.stream().map(p -> new Judge.CompareRequest(p.query(), p.response1(), p.response2(), p.scenario(), p.language())).toList();
    }

    /** A single-response request per case, in case order, for {@code Judge.gradeAll}. */
    public List<Judge.GradeRequest> gradeRequests() {
        return responses.stream().map(r -> new Judge.GradeRequest(r.query(), r.response(), r.scenario(), r.language())).toList();
    }

    /** Number of cases. */
    public int size() {
        return pairs.size() + responses.size();
    }

    private static <T> List<T> requireSome(List<T> cases) {
        if (cases == null || cases.isEmpty()) {
            throw new IllegalArgumentException("labelled cases: at least one case is needed, got none");
        }
        return cases;
    }

    private static LabelledCases parse(Path file, BufferedReader reader) throws IOException {
        List<LabelledPair> pairs = new ArrayList<>();
        List<LabelledResponse> responses = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        Kind first = null;
        int firstLine = 0;
        List<String> texts;
        try {
            texts = reader.lines().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();   // reader.lines() wraps a read or decoding failure
        }
        for (int index = 0; index < texts.size(); index++) {
            int number = index + 1;
            String text = index == 0 ? texts.get(0).replaceFirst("^\uFEFF", "") : texts.get(index);
            if (text.isBlank()) {
                continue;
            }
            Line line = new Line(file, number, object(file, number, text));
            Kind kind = line.kind();
            if (first == null) {
                first = kind;
                firstLine = number;
            } else if (kind.pairwise != first.pairwise) {
                throw line.fail(null, "is a " + kind.description + " case, but line " + firstLine + " began a file of "
                        + first.description + " cases", "keep pairwise and single-response cases in separate files");
            } else if (kind != first) {
                throw line.fail(null, "is written as " + kind.description + ", but line " + firstLine + " as " + first.description,
                        "write every line of a file the same way");
            }
            String id = line.optionalText("id");
            if (id != null) {
                Integer earlier = ids.putIfAbsent(id, number);
                if (earlier != null) {
                    throw line.fail("id", "\"" + id + "\" is the id of line " + earlier + " too", "give every case its own id");
                }
            }
            switch (kind) {
                case PAIR -> pairs.add(line.pair(id));
                case SINGLE -> responses.add(line.single(id));
                case TESTBED -> pairs.add(line.testbedPair());
            }
        }
        if (first == null) {
            throw new LabelledCaseException(file, 0, null, "holds no cases",
                    "write one case a line: {\"query\":…,\"response_1\":…,\"response_2\":…,\"label\":1} or {\"query\":…,\"response\":…,\"score\":7}", null);
        }
        return new LabelledCases(file.toString(), first == Kind.TESTBED ? Format.AUTOJ_PAIRWISE_TESTBED : Format.LABELLED, pairs, responses);
    }

    private static JsonNode object(Path file, int number, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new LabelledCaseException(file, number, null, "is not valid JSON (" + e.getOriginalMessage() + ")",
                    "each line must be one complete JSON object", e);
        }
        if (node == null || !node.isObject()) {
            throw new LabelledCaseException(file, number, null, "is not a JSON object", "each line must be one JSON object such as {\"query\": …}", null);
        }
        return node;
    }

    private enum Kind {
        PAIR(true, "pairwise (response_1, response_2)"),
        SINGLE(false, "single-response (response, score)"),
        TESTBED(true, "the Auto-J testbed's pairwise form (prompt, \"response 1\", \"response 2\", label 0/1/2)");

        final boolean pairwise;
        final String description;

        Kind(boolean pairwise, String description) {
            this.pairwise = pairwise;
            this.description = description;
        }
    }

    /** One line of the file with where it came from. */
    private record Line(Path file, int number, JsonNode node) {

        Kind kind() {
            if (node.has("response 1") || node.has("response 2")) {
                return Kind.TESTBED;
            }
            if (node.has("response_1") || node.has("response_2")) {
                return Kind.PAIR;
            }
            if (node.has("response")) {
                return Kind.SINGLE;
            }
            throw fail(null, "has neither \"response_1\" and \"response_2\" (a pairwise case) nor \"response\" (a single-response case)",
                    "write {\"query\":…,\"response_1\":…,\"response_2\":…,\"label\":1} or {\"query\":…,\"response\":…,\"score\":7}");
        }

        LabelledPair pair(String id) {
            knownFields(PAIR_FIELDS);
            return new LabelledPair(id, query("query"), text("response_1"), text("response_2"), label(), scenario(), tags(), language());
        }

        LabelledResponse single(String id) {
            knownFields(SINGLE_FIELDS);
            JsonNode score = require("score");
            if (!score.isNumber() || !Double.isFinite(score.asDouble())) {
                throw fail("score", "is " + describe(score) + ", not a number", "write the human score as a number on the judge's scale, e.g. 7");
            }
            return new LabelledResponse(id, query("query"), text("response"), score.asDouble(), scenario(), tags(), language());
        }

        LabelledPair testbedPair() {
            JsonNode label = require("label");
            if (!label.isIntegralNumber() || label.asInt() < 0 || label.asInt() > 2) {
                throw fail("label", "is " + describe(label) + ", not a testbed label", "write 0 (response 1 is better), 1 (response 2 is better) or 2 (tie)");
            }
            return new LabelledPair(null, query("prompt"), text("response 1"), text("response 2"), Verdict.fromLabel(label.asInt()),
                    scenario(), List.of(), Language.EN);
        }

        private Verdict label() {
            JsonNode label = require("label");
            String value = label.isTextual() ? label.asText().strip().toLowerCase(Locale.ROOT) : label.isIntegralNumber() ? label.asText() : null;
            if ("1".equals(value)) {
                return Verdict.RESPONSE_1;
            }
            if ("2".equals(value)) {
                return Verdict.RESPONSE_2;
            }
            if ("tie".equals(value)) {
                return Verdict.TIE;
            }
            if ("0".equals(value)) {
                throw fail("label", "is 0, which the Auto-J testbed uses for response 1 but this format does not",
                        LABEL_FIX + " (or name the fields \"prompt\", \"response 1\", \"response 2\" to write the testbed's 0/1/2)");
            }
            throw fail("label", "is " + describe(label), LABEL_FIX);
        }

        private String query(String field) {
            String query = text(field);
            if (query.isBlank()) {
                throw fail(field, "is blank", "give the user query the response answers");
            }
            return query;
        }

        private String text(String field) {
            JsonNode value = require(field);
            if (!value.isTextual()) {
                throw fail(field, "is " + describe(value) + ", not a string", "write it as a JSON string");
            }
            return value.asText();
        }

        private String optionalText(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : text(field);
        }

        private Scenario scenario() {
            String name = optionalText("scenario");
            if (name == null) {
                return null;
            }
            try {
                return Scenario.byName(name);
            } catch (IllegalArgumentException e) {
                throw fail("scenario", e.getMessage().replaceFirst("\\.$", ""), "use one of Auto-J's scenario names, or leave \"scenario\" out", e);
            }
        }

        private List<String> tags() {
            JsonNode value = node.get("tags");
            if (value == null || value.isNull()) {
                return List.of();
            }
            if (!value.isArray()) {
                throw fail("tags", "is " + describe(value) + ", not a list", "write the tags as a list of strings, e.g. [\"billing\", \"short\"]");
            }
            List<String> tags = new ArrayList<>();
            for (JsonNode tag : value) {
                if (!tag.isTextual() || tag.asText().isBlank()) {
                    throw fail("tags", "holds " + describe(tag), "write every tag as a non-blank string");
                }
                tags.add(tag.asText());
            }
            return tags;
        }

        private Language language() {
            String value = optionalText("language");
            if (value == null) {
                return Language.EN;
            }
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "en" -> Language.EN;
                case "zh" -> Language.ZH;
                default -> throw fail("language", "is \"" + value + "\"", "write \"en\" or \"zh\", or leave it out for English");
            };
        }

        private void knownFields(List<String> known) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    String closest = closest(known, name);
                    throw fail(name, "is not a field of this kind of case" + (closest != null ? " (did you mean \"" + closest + "\"?)" : ""),
                            "use only " + String.join(", ", known));
                }
            }
        }

        private JsonNode require(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw fail(field, "is missing", "add \"" + field + "\" to this line");
            }
            return value;
        }

        LabelledCaseException fail(String field, String problem, String fix) {
            return fail(field, problem, fix, null);
        }

        LabelledCaseException fail(String field, String problem, String fix, Throwable cause) {
            return new LabelledCaseException(file, number, field, problem, fix, cause);
        }
    }

    private static String describe(JsonNode value) {
        String text = value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    /** The known field a misspelt one probably meant: the same letters, or the longest common start of 3 or more. */
    private static String closest(List<String> known, String name) {
        String probe = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        String best = null;
        int bestPrefix = 2;
        for (String k : known) {
            String candidate = k.replace("_", "");
            if (candidate.equals(probe)) {
                return k;
            }
            int prefix = 0;
            while (prefix < Math.min(candidate.length(), probe.length()) && candidate.charAt(prefix) == probe.charAt(prefix)) {
                prefix++;
            }
            if (prefix > bestPrefix) {
                best = k;
                bestPrefix = prefix;
            }
        }
        return best;
    }
}
