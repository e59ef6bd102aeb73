package dev.autoj.engine.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;

/**
 * The JSON form both stores (judgments and answers) share: one pretty-printing layout, the readers of
 * required fields, and the words for why a file is damaged. Not API.
 */
public final class StoreJson {

    /** Two-space indents, {@code "key": value}, one field a line: the layout every store file has. */
    public static final ObjectWriter PRETTY = new ObjectMapper().writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private static final ObjectMapper JSON = new ObjectMapper();

    private StoreJson() {
    }

    /**
     * The JSON object in {@code bytes}, whose {@code format} field is {@code format}; otherwise an
     * {@link IllegalArgumentException} saying what it is instead.
     */
    public static JsonNode document(byte[] bytes, String format) throws IOException {
        JsonNode root = JSON.readTree(bytes);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("it is not a JSON object");
        }
        String found = text(root, "format");
        if (!format.equals(found)) {
            throw new IllegalArgumentException("its format is '" + found + "', expected '" + format + "'");
        }
        return root;
    }

    /** The field, or an {@link IllegalArgumentException} saying it is missing. */
    public static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new IllegalArgumentException("the field \"" + field + "\" is missing");
        }
        return value;
    }

    /** The string field, or an {@link IllegalArgumentException} saying it is missing or not a string. */
    public static String text(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("the field \"" + field + "\" is not a string");
        }
        return value.textValue();
    }

    /** Why a store file could not be read, in words: the JSON error with its line and column, else the message. */
    public static String damage(Exception e) {
        return e instanceof JsonProcessingException json
                ? "it is not valid JSON (" + json.getOriginalMessage() + (json.getLocation() == null ? ""
                        : " at line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr()) + ")"
                : e.getMessage();
    }
}
