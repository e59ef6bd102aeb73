package dev.autoj.assertions;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 * Reads {@link PairedCase}s from a file: JSON Lines ({@code .jsonl}, one object a line), a JSON
 * array ({@code .json}) or CSV with a header row ({@code .csv}). Each case has the fields
 * {@code query}, {@code candidate}, {@code baseline} and optionally {@code id},
 * {@code scenario} (a name from Auto-J's scenarios.json, e.g. {@code code_generation}) and
 * {@code language} ({@code en} or {@code zh}) and {@code reference_answer} (the case's reference answer, for a
 * judge that takes one: Prometheus 2).
 *
 * <pre>{@code
 * List<PairedCase> cases = PairedCases.fromClasspath("cases/summaries.jsonl");
 * List<PairedCase> same = PairedCases.read(Path.of("src/test/resources/cases/summaries.csv"));
 * assertThatCandidates(cases).isPreferredOverBaseline();
 * }</pre>
 *
 * <p>A malformed file fails with an {@link IllegalArgumentException} naming the file, the line
 * and the field, and listing the expected fields.
 */
public final class PairedCases {

    private static final List<String> OPTIONAL = List.of("id", "scenario", "language", "reference_answer");

    /** What a file must hold: paired cases (a query and two answers) or queries alone (the answers come from the model). */
    private enum Shape {
        CASES(List.of("query", "candidate", "baseline"), "a case has the fields \"query\", \"candidate\", \"baseline\" (required) and "
                + "\"id\", \"scenario\", \"language\", \"reference_answer\" (optional)"),
        QUERIES(List.of("query"), "a query case has the field \"query\" (required) and \"id\", \"scenario\", \"language\", \"reference_answer\""
                + " (optional); its answers come from the model under test, not from the file");

        final List<String> required;
        final String expected;

        Shape(List<String> required, String expected) {
            this.required = required;
            this.expected = expected;
        }
    }
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CsvMapper CSV = new CsvMapper();

    private PairedCases() {
    }

    /** The cases in {@code file}; the format follows the extension, else the content. */
    public static List<PairedCase> read(Path file) {
        try {
            return parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("No paired-case file " + file + " (working directory "
                    + Path.of("").toAbsolutePath() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read paired-case file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The cases in a class-path resource, e.g. {@code "cases/summaries.jsonl"} (a {@code classpath:} prefix is allowed). */
    public static List<PairedCase> fromClasspath(String resource) {
        return resource(resource, "paired cases", Shape.CASES);
    }

    /** Reads and parses a class-path resource ({@code classpath:} prefix and a leading slash allowed). */
    private static List<PairedCase> resource(String resource, String what, Shape shape) {
        String name = resource.startsWith("classpath:") ? resource.substring("classpath:".length()) : resource;
        name = name.startsWith("/") ? name.substring(1) : name;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = PairedCases.class.getClassLoader();
        }
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("No class-path resource " + name + " with " + what + "; put it under "
                        + "src/test/resources/" + name);
            }
            return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), shape);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read class-path resource " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Paired cases built from a file of queries (JSONL, JSON or CSV with {@code query} and optionally
     * {@code id}, {@code scenario}, {@code language}) by asking the model under test for each query
     * with each prompt version: {@code candidate} gives the new prompt's answer, {@code baseline} the
     * current one's. Wrap the model with a recorder ({@code RecordedChatModel.wrap}) so that a replay
     * asks nothing and no answer is frozen by hand.
     *
     * <pre>{@code
     * List<PairedCase> cases = PairedCases.fromQueries(Path.of("src/test/resources/cases/code-queries.jsonl"),
     *         query -> new Assistant(model, NEXT_PROMPT).answer(query),
     *         query -> new Assistant(model, CURRENT_PROMPT).answer(query));
     * assertThatCandidates(cases).isPreferredOverBaseline();
     * }</pre>
     */
    public static List<PairedCase> fromQueries(Path file, java.util.function.UnaryOperator<String> candidate,
            java.util.function.UnaryOperator<String> baseline) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("No query file " + file + " (working directory " + Path.of("").toAbsolutePath() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read query file " + file + ": " + e.getMessage(), e);
        }
        return answer(parse(file.getFileName().toString(), text, Shape.QUERIES), candidate, baseline);
    }

    /** {@link #fromQueries(Path, java.util.function.UnaryOperator, java.util.function.UnaryOperator)} for a class-path resource. */
    public static List<PairedCase> fromQueriesOnClasspath(String resource, java.util.function.UnaryOperator<String> candidate,
            java.util.function.UnaryOperator<String> baseline) {
        return answer(resource(resource, "queries", Shape.QUERIES), candidate, baseline);
    }

    private static List<PairedCase> answer(List<PairedCase> queries, java.util.function.UnaryOperator<String> candidate,
            java.util.function.UnaryOperator<String> baseline) {
        List<PairedCase> cases = new ArrayList<>();
        for (PairedCase q : queries) {
            String next = candidate.apply(q.query());
            String current = baseline.apply(q.query());
            if (next == null || current == null) {
                throw new IllegalArgumentException("the model under test gave no answer (null) for the query \"" + q.query()
                        + "\"" + (q.id() == null ? "" : " (case " + q.id() + ")"));
            }
            cases.add(new PairedCase(q.query(), next, current, q.id(), q.scenario(), q.language(), q.referenceAnswer()));
        }
        return List.copyOf(cases);
    }

    /** Parses {@code text}, named {@code name} in errors. */
    static List<PairedCase> parse(String name, String text) {
        return parse(name, text, Shape.CASES);
    }

    private static List<PairedCase> parse(String name, String text, Shape shape) {
        String lower = name.toLowerCase(Locale.ROOT);
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        String start = body.stripLeading();
        List<PairedCase> cases;
        if (lower.endsWith(".csv")) {
            cases = csv(name, body, shape);
        } else if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            cases = jsonLines(name, body, shape);
        } else if (start.startsWith("[")) {
            cases = jsonArray(name, body, shape);
        } else if (start.startsWith("{")) {
            cases = jsonLines(name, body, shape);
        } else if (lower.endsWith(".json")) {
            throw new IllegalArgumentException(name + ": a .json paired-case file holds a JSON array of cases or one "
                    + "JSON object a line; " + shape.expected);
        } else {
            cases = csv(name, body, shape);
        }
        if (cases.isEmpty()) {
            throw new IllegalArgumentException(name + ": no " + (shape == Shape.CASES ? "paired cases" : "queries") + " in the file; " + shape.expected);
        }
        return List.copyOf(cases);
    }

    private static List<PairedCase> jsonLines(String name, String text, Shape shape) {
        List<PairedCase> cases = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String where = name + " line " + (i + 1);
            JsonNode node;
            try {
                node = JSON.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(where + ": not valid JSON (" + e.getOriginalMessage()
                        + "); a JSON Lines file holds one JSON object a line; " + shape.expected, e);
            }
            cases.add(fromJson(where, node, i + 1, ids, shape));
        }
        return cases;
    }

    private static List<PairedCase> jsonArray(String name, String text, Shape shape) {
        List<PairedCase> cases = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        try (JsonParser parser = JSON.createParser(text)) {
            parser.nextToken();
            JsonToken token;
            int element = 0;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new IllegalArgumentException(name + ": the JSON array of cases is not closed");
                }
                element++;
                int line = parser.currentTokenLocation().getLineNr();
                JsonNode node = JSON.readTree(parser);
                cases.add(fromJson(name + " line " + line + " (case " + element + ")", node, line, ids, shape));
            }
        } catch (JsonProcessingException e) {
            throw notValid(name, "JSON", e, shape.expected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    private static PairedCase fromJson(String where, JsonNode node, int line, Map<String, Integer> ids, Shape shape) {
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException(where + ": a case is a JSON object, not " + node.getNodeType().name()
                    .toLowerCase(Locale.ROOT) + "; " + shape.expected);
        }
        Map<String, String> fields = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            // A text field holds text: a number or boolean there is a mistake in the file (an id may be a number).
            if (value.isContainerNode() || (!value.isTextual() && !field.getKey().equals("id"))) {
                throw new IllegalArgumentException(where + ": field \"" + field.getKey() + "\" must be a string, not "
                        + value.getNodeType().name().toLowerCase(Locale.ROOT) + " (" + value + "); " + shape.expected);
            }
            fields.put(field.getKey(), value.asText());
        }
        return toCase(where, fields, line, ids, shape);
    }

    private static List<PairedCase> csv(String name, String text, Shape shape) {
        List<PairedCase> cases = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        try (JsonParser parser = CSV.enable(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS)
                .readerFor(Map.class).with(schema).createParser(text)) {
            int record = 0;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token != JsonToken.START_OBJECT) {
                    continue;
                }
                record++;
                // The CSV parser places a record's start at the end of the line before it.
                int line = parser.currentTokenLocation().getLineNr() + 1;
                if (record == 1) {
                    checkHeader(name, ((CsvParser) parser).getSchema(), shape);
                }
                Map<String, String> fields = new HashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    parser.nextToken();
                    String value = parser.getValueAsString();
                    if (value != null && !(value.isEmpty() && OPTIONAL.contains(key))) {
                        fields.put(key, value);
                    }
                }
                cases.add(toCase(name + " line " + line, fields, line, ids, shape));
            }
        } catch (JsonProcessingException e) {
            throw notValid(name, "CSV", e, "a CSV file starts with a header row naming the columns; " + shape.expected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /** A file the parser refuses: its name, the line when the parser knows it, the parser's words and what the file should hold. */
    private static IllegalArgumentException notValid(String name, String format, JsonProcessingException e, String expected) {
        JsonLocation at = e.getLocation();
        return new IllegalArgumentException(name + (at != null ? " line " + at.getLineNr() : "") + ": not valid " + format + " ("
                + e.getOriginalMessage() + "); " + expected, e);
    }

    private static void checkHeader(String name, CsvSchema header, Shape shape) {
        List<String> columns = new ArrayList<>();
        header.forEach(column -> columns.add(column.getName()));
        for (String column : columns) {
            if (!shape.required.contains(column) && !OPTIONAL.contains(column)) {
                throw new IllegalArgumentException(name + " line 1: unknown column \"" + column + "\" in the header "
                        + columns + "; " + shape.expected);
            }
        }
        for (String required : shape.required) {
            if (!columns.contains(required)) {
                throw new IllegalArgumentException(name + " line 1: the header " + columns + " has no column \"" + required
                        + "\"; " + shape.expected);
            }
        }
    }

    private static PairedCase toCase(String where, Map<String, String> fields, int line, Map<String, Integer> ids, Shape shape) {
        for (String key : fields.keySet()) {
            if (!shape.required.contains(key) && !OPTIONAL.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown field \"" + key + "\"; " + shape.expected);
            }
        }
        for (String key : shape.required) {
            String value = fields.get(key);
            if (value == null) {
                throw new IllegalArgumentException(where + ": missing field \"" + key + "\"; " + shape.expected);
            }
        }
        for (String text : List.of("query", "candidate", "baseline", "id", "reference_answer")) {
            try {
                dev.autoj.engine.protocol.UnencodableTextException.requireEncodable("field \"" + text + "\"", fields.get(text));
            } catch (dev.autoj.engine.protocol.UnencodableTextException e) {
                throw new IllegalArgumentException(where + (fields.get("id") != null && !text.equals("id") ? " (case " + fields.get("id") + ")" : "")
                        + ": " + e.getMessage(), e);
            }
        }
        // Responses may be empty: a prompt can make a model answer nothing, and the Auto-J testbed judges such
        // answers. A judge cannot judge an answer to no question, though.
        if (fields.get("query").isBlank()) {
            throw new IllegalArgumentException(where + ": field \"query\" is empty; " + shape.expected);
        }
        String id = fields.get("id");
        if (id != null) {
            Integer first = ids.putIfAbsent(id, line);
            if (first != null) {
                throw new IllegalArgumentException(where + ": id \"" + id + "\" is already used on line " + first
                        + "; ids name cases in reports and must be unique");
            }
        }
        Scenario scenario = null;
        if (fields.get("scenario") != null) {
            try {
                scenario = Scenario.byName(fields.get("scenario"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": field \"scenario\": " + e.getMessage(), e);
            }
        }
        Language language = null;
        String lang = fields.get("language");
        if (lang != null) {
            language = switch (lang.strip().toLowerCase(Locale.ROOT)) {
                case "en" -> Language.EN;
                case "zh" -> Language.ZH;
                default -> throw new IllegalArgumentException(where + ": field \"language\" is \"" + lang
                        + "\"; Auto-J's templates are \"en\" or \"zh\"");
            };
        }
        return new PairedCase(fields.get("query"), fields.getOrDefault("candidate", ""), fields.getOrDefault("baseline", ""), id, scenario,
                language, blankIsNone(fields.get("reference_answer")));
    }

    /** An empty {@code reference_answer} (an empty CSV cell) means the case has none, not an empty reference. */
    private static String blankIsNone(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
