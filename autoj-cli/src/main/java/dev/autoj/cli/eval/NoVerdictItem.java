package dev.autoj.cli.eval;

/**
 * A prediction from which no verdict or rating could be read.
 *
 * @param index 0-based position in the prediction list (line number minus one for a file without blank lines)
 * @param order {@code "original"} or {@code "exchanged"} for pairwise, {@code "single"} otherwise
 * @param reason the parser's reason
 */
public record NoVerdictItem(int index, String order, String reason) {
}
