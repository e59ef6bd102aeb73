package dev.autoj.cli.gate;

import java.util.Objects;

/**
 * One test of a run summary.
 *
 * @param id JUnit's unique id, the key that matches a test across two summaries
 * @param className the test class, e.g. {@code com.example.PromptTest} (empty for the pseudo-test of judgments outside tests)
 * @param name the display name, e.g. {@code newPromptWins()}
 * @param status how the test ended
 */
public record TestResult(String id, String className, String name, Status status) {

    /** How a test ended; {@code ABORTED} is a test skipped by an assumption. */
    public enum Status { PASSED, FAILED, ABORTED }

    public TestResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        className = className == null ? "" : className;
        name = name == null ? "" : name;
    }

    /** {@code PromptTest › newPromptWins()}: the simple class name and the display name, or the id when both are empty. */
    public String displayName() {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        if (simple.isEmpty() && name.isEmpty()) {
            return id;
        }
        return simple.isEmpty() ? name : name.isEmpty() ? simple : simple + " › " + name;
    }
}
