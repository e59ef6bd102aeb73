package dev.autoj.engine.family.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The prometheus-eval library's string constants, read byte-exact from {@code templates.json} (a copy of
 * {@code ../shared/prometheus/templates.json}: data, GitHub main at {@code dcfb442}), and FastChat's
 * {@code mistral} conversation format, through which the library sends them with vLLM.
 */
final class Templates {

    static final String ABSOLUTE_PROMPT = "ABSOLUTE_PROMPT";
    static final String ABSOLUTE_PROMPT_WO_REF = "ABSOLUTE_PROMPT_WO_REF";
    static final String RELATIVE_PROMPT = "RELATIVE_PROMPT";
    static final String RELATIVE_PROMPT_WO_REF = "RELATIVE_PROMPT_WO_REF";
    static final String ABS_SYSTEM_PROMPT = "ABS_SYSTEM_PROMPT";
    static final String REL_SYSTEM_PROMPT = "REL_SYSTEM_PROMPT";
    static final String SCORE_RUBRIC_TEMPLATE = "SCORE_RUBRIC_TEMPLATE";

    /** FastChat's {@code mistral} format: {@code "[INST] " + system + "\n" + message + " [/INST]"}. */
    static final String WRAPPER_OPEN = "[INST] ";
    static final String SYSTEM_SEPARATOR = "\n";
    static final String WRAPPER_CLOSE = " [/INST]";

    private static final String RESOURCE = "templates.json";
    private static final String RUBRIC_SUFFIX = "_RUBRIC";
    private static final Map<String, String> CONSTANTS = load();

    private Templates() {
    }

    /** A constant by its name in the library, e.g. {@code "ABSOLUTE_PROMPT"}. */
    static String get(String name) {
        return Objects.requireNonNull(CONSTANTS.get(name), () -> "templates.json has no " + name);
    }

    /**
     * The predefined rubrics' texts by autoj's names: the constant's name without {@code _RUBRIC}, lower
     * case ({@code HELPFULNESS_RUBRIC} is {@code "helpfulness"}, {@code FACTUAL_VALIDITY_RUBRIC} is
     * {@code "factual_validity"}), in the file's order.
     */
    static Map<String, String> predefinedRubrics() {
        Map<String, String> rubrics = new LinkedHashMap<>();
        CONSTANTS.forEach((name, text) -> {
            if (name.endsWith(RUBRIC_SUFFIX)) {
                rubrics.put(name.substring(0, name.length() - RUBRIC_SUFFIX.length()).toLowerCase(Locale.ROOT), text);
            }
        });
        return Collections.unmodifiableMap(rubrics);
    }

    /**
     * The literal pieces of {@code template} around its placeholders, and the placeholders' names:
     * {@code pieces.get(0) + value(names.get(0)) + pieces.get(1) + …}.
     */
    static List<List<String>> split(String template) {
        List<String> pieces = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int from = 0;
        int open;
        while ((open = template.indexOf('{', from)) >= 0) {
            int close = template.indexOf('}', open);
            pieces.add(template.substring(from, open));
            names.add(template.substring(open + 1, close));
            from = close + 1;
        }
        pieces.add(template.substring(from));
        return List.of(List.copyOf(pieces), List.copyOf(names));
    }

    private static Map<String, String> load() {
        try (InputStream in = Templates.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + Templates.class.getName() + "; the jar is incomplete");
            }
            JsonNode templates = new ObjectMapper().readTree(in).path("templates");
            Map<String, String> constants = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = templates.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                constants.put(entry.getKey(), entry.getValue().textValue());
            }
            return Collections.unmodifiableMap(constants);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " of " + Templates.class.getPackageName(), e);
        }
    }
}
