package dev.autoj.engine.agreement;

import dev.autoj.engine.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The plain-text form of the agreement reports: what {@code autoj eval agreement} prints and assertion messages show. */
final class ReportText {

    /** How many no-verdict cases the text lists before it only counts them. */
    static final int LISTED = 10;

    private ReportText() {
    }

    static String pairwise(PairwiseAgreementReport r) {
        PairwiseAgreementReport.Figures all = r.overall();
        StringBuilder out = new StringBuilder();
        out.append("Agreement with human labels: ").append(all.cases()).append(" pairwise cases, judge ").append(r.judge()).append('\n')
                .append("  a case agrees when the verdicts of both orders equal the human label (the Auto-J leaderboard's rule)\n\n");
        Columns table = new Columns("", "Cases", "Agreement %", "95% interval", "Kappa", "Kappa 95% interval", "Consistency %");
        rows(table, r.byScenarioGroup());
        rows(table, r.byTag());
        row(table, all);
        out.append(table.render()).append('\n');
        out.append("Confusion table, overall (rows: the judge's verdict in both orders; columns: the human label)\n");
        Columns confusion = new Columns("", "Response 1", "Response 2", "Tie", "Total");
        for (PairVerdict judge : PairVerdict.values()) {
            List<String> cells = new ArrayList<>(List.of(judge.displayName()));
            for (Verdict human : Verdict.values()) {
                cells.add(String.valueOf(all.confusion().count(judge, human)));
            }
            cells.add(String.valueOf(all.confusion().judgeTotal(judge)));
            confusion.add(cells);
        }
        confusion.rule();
        List<String> totals = new ArrayList<>(List.of("Total"));
        for (Verdict human : Verdict.values()) {
            totals.add(String.valueOf(all.confusion().humanTotal(human)));
        }
        totals.add(String.valueOf(all.confusion().total()));
        confusion.add(totals);
        out.append(confusion.render()).append('\n');
        Statistics.Kappa k = all.kappa();
        out.append("Agreement ").append(twoDecimals(all.agreementPercent())).append(" % (").append(all.agreeing()).append(" of ")
                .append(all.cases()).append("), 95% Wilson interval ").append(percentInterval(all.agreementInterval()))
                .append("; consistency ").append(twoDecimals(all.consistencyPercent())).append(" % (").append(all.consistent())
                .append(" of ").append(all.cases()).append(")\n");
        out.append(kappaLine(k)).append('\n');
        noVerdicts(out, r.noVerdicts(), "orders without a verdict");
        return out.toString();
    }

    static String single(SingleAgreementReport r) {
        SingleAgreementReport.Figures all = r.overall();
        String within = "Within ±" + number(r.tolerance());
        StringBuilder out = new StringBuilder();
        out.append("Agreement with human scores: ").append(all.cases()).append(" single-response cases, judge ").append(r.judge()).append('\n')
                .append("  a case agrees when the judge's rating is within ±").append(number(r.tolerance()))
                .append(" of the human score; correlations over the rated cases\n\n");
        Columns table = new Columns("", "Cases", "Rated", within + " %", "95% interval", "Pearson", "Spearman", "Mean |diff|");
        for (List<SingleAgreementReport.Figures> rows : List.of(r.byScenarioGroup(), r.byTag())) {
            for (SingleAgreementReport.Figures f : rows) {
                table.add(singleRow(f));
            }
            if (!rows.isEmpty()) {
                table.rule();
            }
        }
        table.add(singleRow(all));
        out.append(table.render()).append('\n');
        out.append("Agreement ").append(twoDecimals(Percent.round2(100 * all.agreement()))).append(" % (").append(all.withinTolerance())
                .append(" of ").append(all.cases()).append(" within ±").append(number(r.tolerance())).append("), 95% Wilson interval ")
                .append(percentInterval(all.agreementInterval())).append("; Pearson ").append(threeDecimals(all.pearson()))
                .append(", Spearman ").append(threeDecimals(all.spearman())).append('\n');
        noVerdicts(out, r.noVerdicts(), "cases without a rating");
        return out.toString();
    }

    /** Kappa with its terms, or why it is undefined. */
    static String kappaLine(Statistics.Kappa k) {
        if (Double.isNaN(k.chance())) {
            return "Cohen's kappa: undefined (no cases)";
        }
        if (!k.isDefined()) {
            return "Cohen's kappa: undefined: chance agreement is 1 (every label and every verdict in one class)";
        }
        return "Cohen's kappa " + threeDecimals(k.value()) + " (standard error " + threeDecimals(k.standardError())
                + ", large-sample; 95% interval " + threeDecimals(k.interval().low()) + " to " + threeDecimals(k.interval().high())
                + "): observed agreement " + fourDecimals(k.observed()) + ", chance agreement " + fourDecimals(k.chance());
    }

    private static void rows(Columns table, List<PairwiseAgreementReport.Figures> rows) {
        rows.forEach(f -> row(table, f));
        if (!rows.isEmpty()) {
            table.rule();
        }
    }

    private static void row(Columns table, PairwiseAgreementReport.Figures f) {
        Statistics.Kappa k = f.kappa();
        table.add(List.of(f.name(), String.valueOf(f.cases()), twoDecimals(f.agreementPercent()), percentInterval(f.agreementInterval()),
                k.isDefined() ? threeDecimals(k.value()) : "-",
                k.isDefined() ? threeDecimals(k.interval().low()) + " to " + threeDecimals(k.interval().high()) : "-",
                twoDecimals(f.consistencyPercent())));
    }

    private static List<String> singleRow(SingleAgreementReport.Figures f) {
        return List.of(f.name(), String.valueOf(f.cases()), String.valueOf(f.rated()), twoDecimals(Percent.round2(100 * f.agreement())),
                percentInterval(f.agreementInterval()), threeDecimals(f.pearson()), threeDecimals(f.spearman()),
                Double.isNaN(f.meanAbsoluteDifference()) ? "-" : twoDecimals(f.meanAbsoluteDifference()));
    }

    private static void noVerdicts(StringBuilder out, List<NoVerdictCase> noVerdicts, String what) {
        out.append(capitalised(what)).append(": ").append(noVerdicts.size()).append(noVerdicts.isEmpty() ? "" : " (they count as not agreeing)")
                .append('\n');
        noVerdicts.stream().limit(LISTED).forEach(nv -> out.append("  case ").append(nv.name())
                .append("single".equals(nv.order()) ? "" : ", " + nv.order() + " order").append(": ").append(nv.reason()).append('\n'));
        if (noVerdicts.size() > LISTED) {
            out.append("  … and ").append(noVerdicts.size() - LISTED).append(" more\n");
        }
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    static String percentInterval(Statistics.Interval interval) {
        return "[" + twoDecimals(Percent.round2(100 * interval.low())) + ", " + twoDecimals(Percent.round2(100 * interval.high())) + "]";
    }

    static String twoDecimals(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String threeDecimals(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String fourDecimals(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    /** A text table: the first column left-aligned, the others right-aligned, rules between sections. */
    private static final class Columns {
        private final List<String> header;
        private final List<List<String>> rows = new ArrayList<>();

        Columns(String... header) {
            this.header = List.of(header);
        }

        void add(List<String> row) {
            rows.add(row);
        }

        void rule() {
            rows.add(null);
        }

        String render() {
            int[] widths = new int[header.size()];
            for (List<String> row : concat()) {
                if (row != null) {
                    for (int c = 0; c < row.size(); c++) {
                        widths[c] = Math.max(widths[c], row.get(c).length());
                    }
                }
            }
            int total = widths.length * 2 - 2;
            for (int w : widths) {
                total += w;
            }
            StringBuilder out = new StringBuilder();
            for (List<String> row : concat()) {
                if (row == null) {
                    out.append("-".repeat(total)).append('\n');
                    continue;
                }
                for (int c = 0; c < row.size(); c++) {
                    String cell = row.get(c);
                    String pad = " ".repeat(widths[c] - cell.length());
                    out.append(c == 0 ? "" : "  ").append(c == 0 ? cell + pad : pad + cell);
                }
                out.append('\n');
            }
            return out.toString();
        }

        private List<List<String>> concat() {
            List<List<String>> all = new ArrayList<>();
            all.add(header);
            all.add(null);
            all.addAll(rows);
            return all;
        }
    }
}
