package dev.autoj.cli.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes run summaries in the documented {@code autoj-summary/1} layout (docs/reports.md) for
 * gate tests: {@code "PromptTest.newPromptWins=passed"} becomes a test of class
 * {@code com.example.PromptTest}, method {@code newPromptWins()}, with that status.
 */
public final class Summaries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Summaries() {
    }

    public static Path write(Path dir, String fileName, String... tests) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "autoj-summary/1");
        ObjectNode totals = root.putObject("totals");
        totals.put("tests", tests.length);
        ArrayNode list = root.putArray("tests");
        for (String test : tests) {
            String[] nameAndStatus = test.split("=");
            String[] classAndMethod = nameAndStatus[0].split("\\.");
            String className = "com.example." + classAndMethod[0];
            String method = classAndMethod[1] + "()";
            ObjectNode node = list.addObject();
            node.put("id", "[engine:junit-jupiter]/[class:" + className + "]/[method:" + method + "]");
            node.put("class", className);
            node.put("name", method);
            node.put("status", nameAndStatus[1]);
            node.putArray("judgments");
        }
        return writeText(dir, fileName, root.toPrettyString());
    }

    public static Path writeText(Path dir, String fileName, String text) {
        try {
            return Files.writeString(dir.resolve(fileName), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
