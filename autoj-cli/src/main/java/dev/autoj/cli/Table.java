package dev.autoj.cli;

import dev.autoj.engine.report.Figures;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table: first column left-aligned, the others right-aligned, a rule under the header. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();
    private final List<Integer> rules = new ArrayList<>();
    private int leftAligned = -1;

    Table(String... header) {
        rows.add(header);
        rules.add(1);
    }

    void row(Object... cells) {
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = String.valueOf(cells[i]);
        }
        rows.add(row);
    }

    /** Aligns this column to the left (for bars); the first column always is. */
    Table leftAlign(int column) {
        leftAligned = column;
        return this;
    }

    /** A rule before the next row. */
    void rule() {
        rules.add(rows.size());
    }

    void print(PrintWriter out) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        int total = 0;
        for (int w : width) {
            total += w;
        }
        total += 2 * (columns - 1);
        for (int r = 0; r < rows.size(); r++) {
            if (rules.contains(r)) {
                out.println("-".repeat(total));
            }
            StringBuilder line = new StringBuilder();
            String[] row = rows.get(r);
            for (int i = 0; i < columns; i++) {
                String pad = " ".repeat(width[i] - row[i].length());
                if (i == 0) {
                    line.append(row[i]).append(pad);
                } else if (i == leftAligned) {
                    line.append("  ").append(row[i]).append(pad);
                } else {
                    line.append("  ").append(pad).append(row[i]);
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** Two decimals, as the figures are rounded. */
    static String twoDecimals(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** A rating as written in the judge's output: 7, or 6.5. */
    static String rating(double value) {
        return Figures.rating(value);
    }

    static String bar(int count, int most, int length) {
        return most == 0 ? "" : "#".repeat((int) Math.round((double) count * length / most));
    }
}
