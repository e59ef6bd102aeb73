package dev.autoj.cli.eval;

/**
 * Pairwise figures of one scenario group (or of all items) as the Auto-J leaderboard reports them.
 *
 * @param group the group's display name, e.g. {@code "Code"}, or {@code "Overall"}
 * @param items number of testbed items in the group
 * @param agreeing items whose verdicts in both orders equal the human label
 * @param consistent items whose two verdicts agree once the exchanged one is mapped back
 * @param agreement {@code agreeing} in percent, rounded to 2 decimals like Python's {@code round}
 * @param consistency {@code consistent} in percent, rounded the same way
 */
public record GroupFigures(String group, int items, int agreeing, int consistent, double agreement, double consistency) {
}
