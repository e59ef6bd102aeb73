package dev.autoj.cli.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.Scenario;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a JSON Lines file (one JSON object per line, UTF-8; blank lines skipped, as the original
 * Auto-J scripts do) and remembers each object's line number, so that every later complaint
 * about a value can name the file and line.
 *
 * <pre>{@code
 * for (JsonLines.Line line : JsonLines.read(Path.of("requests.jsonl"))) {
 *     String query = line.text("query");   // InputException naming file and line when absent
 * }
 * }</pre>
 */
public final class JsonLines {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonLines() {
    }

    /** One object of the file with where it came from. */
    public record Line(Path file, int number, JsonNode node) {

        /** A required string field. */
        public String text(String field) {
            JsonNode value = require(field);
            if (!value.isTextual()) {
                throw fail("field \"" + field + "\" is " + describe(value) + ", not a string", "write it as a JSON string");
            }
            return value.asText();
        }

        /** A required scenario name ({@code "code_generation"}); an unknown one names the closest known names. */
        public Scenario scenario(String field) {
            String name = text(field);
            try {
                return Scenario.byName(name);
            } catch (IllegalArgumentException e) {
                throw new InputException(file, number, e.getMessage().replaceFirst("\\.$", ""),
                        "correct field \"" + field + "\"", e);
            }
        }

        /** An optional string field, or null when absent or JSON null. */
        public String optionalText(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                throw fail("field \"" + field + "\" is " + describe(value) + ", not a string", "write it as a JSON string");
            }
            return value.asText();
        }

        /** A required field of any type. */
        public JsonNode require(String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw fail("field \"" + field + "\" is missing", "add \"" + field + "\" to this line");
            }
            return value;
        }

        /** An exception about this line. */
        public InputException fail(String problem, String fix) {
            return new InputException(file, number, problem, fix);
        }
    }

    /**
     * Reads every non-blank line.
     *
     * @throws InputException when the file is missing or unreadable, is not UTF-8, or a line is
     *     not a JSON object
     */
    public static List<Line> read(Path file) {
        if (Files.isDirectory(file)) {
            throw new InputException(file, 0, "is a directory, not a JSON Lines file", "pass the path of a .jsonl file");
        }
        List<Line> lines = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int number = 0;
            while ((text = reader.readLine()) != null) {
                number++;
                if (number == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                if (text.isBlank()) {
                    continue;
                }
                lines.add(new Line(file, number, parse(file, number, text)));
            }
        } catch (NoSuchFileException e) {
            throw new InputException(file, 0, "no such file", "check the path (relative paths start at "
                    + Path.of("").toAbsolutePath() + ")", e);
        } catch (CharacterCodingException e) {
            throw new InputException(file, 0, "is not valid UTF-8", "save the file as UTF-8", e);
        } catch (IOException e) {
            throw new InputException(file, 0, "cannot be read (" + e + ")", "check that the file exists and is readable", e);
        }
        return lines;
    }

    private static JsonNode parse(Path file, int number, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InputException(file, number, "not valid JSON (" + e.getOriginalMessage() + ")",
                    "each line must be one complete JSON object", e);
        }
        if (node == null || !node.isObject()) {
            throw new InputException(file, number, "is " + describe(node) + ", not a JSON object",
                    "each line must be one JSON object such as {\"output\": ...}");
        }
        return node;
    }

    static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "empty";
        }
        String text = value.toString();
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return value.getNodeType().name().toLowerCase(Locale.ROOT) + " " + shown;
    }
}
