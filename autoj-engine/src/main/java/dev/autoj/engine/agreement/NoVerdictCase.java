package dev.autoj.engine.agreement;

/**
 * A labelled case the judge gave no verdict (or no rating) for, with the reason.
 *
 * <pre>{@code
 * report.noVerdicts().forEach(nv -> System.out.println(nv.name() + ", " + nv.order() + " order: " + nv.reason()));
 * }</pre>
 *
 * @param index 0-based position in the cases
 * @param name the case's id, or {@code #n} for its 1-based position
 * @param order {@code "original"} or {@code "swapped"} for a pair, {@code "single"} for a response
 * @param reason why no verdict could be read
 */
public record NoVerdictCase(int index, String name, String order, String reason) {
}
