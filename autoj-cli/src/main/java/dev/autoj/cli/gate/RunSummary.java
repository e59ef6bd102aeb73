package dev.autoj.cli.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.cli.eval.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The test outcomes of a run summary ({@code target/autoj/summary.json}, format
 * {@code autoj-summary/1}, written by the JUnit extension; see docs/reports.md). Only what the
 * merge gate needs is read: each test's id, class, name and status.
 *
 * <pre>{@code
 * RunSummary baseline = RunSummary.read(Path.of("baseline/summary.json"));
 * }</pre>
 *
 * @param file where the summary was read from
 * @param tests the tests in file order
 */
public record RunSummary(Path file, List<TestResult> tests) {

    /** The one format this reader understands. */
    public static final String FORMAT = "autoj-summary/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String PRODUCE = "pass a summary.json written by the autoj JUnit extension (target/autoj/summary.json by default)";

    public RunSummary {
        tests = List.copyOf(tests);
    }

    /**
     * Reads a summary.
     *
     * @throws InputException naming the file (and line, for bad JSON) when it is missing, unreadable,
     *     not JSON, of another format version, or a test lacks its id or status
     */
    public static RunSummary read(Path file) {
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = JSON.readTree(in);
        } catch (NoSuchFileException e) {
            throw new InputException(file, 0, "no such file", PRODUCE, e);
        } catch (AccessDeniedException e) {
            throw new InputException(file, 0, "cannot be read (access denied)", "check the file's permissions", e);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
            throw new InputException(file, line, "not valid JSON (" + e.getOriginalMessage() + ")", PRODUCE, e);
        } catch (IOException e) {
            throw new InputException(file, 0, "cannot be read (" + e + ")", "check that it is a readable file", e);
        }
        if (root == null || !root.isObject()) {
            throw new InputException(file, 0, "is not a JSON object", PRODUCE);
        }
        JsonNode format = root.get("format");
        if (format == null || !format.isTextual()) {
            throw new InputException(file, 0, "has no \"format\" field, so it is not an autoj run summary", PRODUCE);
        }
        if (!FORMAT.equals(format.textValue())) {
            throw new InputException(file, 0, "has format \"" + format.textValue() + "\", but this autoj reads " + FORMAT,
                    "compare summaries written by the same autoj version as this command (or upgrade autoj)");
        }
        JsonNode tests = root.get("tests");
        if (tests == null || !tests.isArray()) {
            throw new InputException(file, 0, "has no \"tests\" array", PRODUCE);
        }
        List<TestResult> results = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < tests.size(); i++) {
            JsonNode test = tests.get(i);
            String where = "tests[" + i + "]";
            String id = text(file, test, "id", where);
            if (!ids.add(id)) {
                throw new InputException(file, 0, where + " repeats the id \"" + id + "\"", "each test must appear once; "
                        + "regenerate the summary");
            }
            results.add(new TestResult(id, optionalText(file, test, "class", where), optionalText(file, test, "name", where),
                    status(file, text(file, test, "status", where), where)));
        }
        return new RunSummary(file, results);
    }

    private static String text(Path file, JsonNode test, String field, String where) {
        String value = optionalText(file, test, field, where);
        if (value == null || value.isBlank()) {
            throw new InputException(file, 0, where + " has no \"" + field + "\"", PRODUCE);
        }
        return value;
    }

    private static String optionalText(Path file, JsonNode test, String field, String where) {
        if (test == null || !test.isObject()) {
            throw new InputException(file, 0, where + " is not an object", PRODUCE);
        }
        JsonNode value = test.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InputException(file, 0, where + " has a \"" + field + "\" that is not a string", PRODUCE);
        }
        return value.textValue();
    }

    private static TestResult.Status status(Path file, String status, String where) {
        for (TestResult.Status s : TestResult.Status.values()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(status)) {
                return s;
            }
        }
        throw new InputException(file, 0, where + " has the status \"" + status + "\"",
                "a test's status is passed, failed or aborted");
    }
}
