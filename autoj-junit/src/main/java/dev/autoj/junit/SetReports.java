package dev.autoj.junit;

import dev.autoj.assertions.PairedCase;
import dev.autoj.assertions.SetReport;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.report.Figures;
import dev.autoj.engine.report.SetDecision;
import dev.autoj.engine.report.SetDecision.Case;
import dev.autoj.engine.report.SetDecisionText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Allure forms of one set-level decision: the step's title and the HTML page (case table,
 * outcome bar, mean-score interval, the figures of {@link SetDecisionText#rows}) attached to the step.
 */
final class SetReports {

    /** Characters of a query shown in the case table; the whole query is its tooltip. */
    private static final int QUERY_START = 80;

    private SetReports() {
    }

    /** {@code ✅ PASS}, {@code ❌ FAIL}, {@code ⏭ INCONCLUSIVE (test aborted)}, {@code ❌ INCONCLUSIVE (fails: …)}. */
    static String outcome(SetReport report) {
        return SetDecisionText.outcome(report.result().decision(), report.inconclusiveFails());
    }

    /** The step title, e.g. {@code Auto-J isPreferredOverBaseline: PASS over 61 cases (37 W / 11 T / 13 L / 0 undecided)}. */
    static String title(SetReport report) {
        return "Auto-J " + SetDecisionText.title(report.result());
    }

    // ---- the HTML attachment ----

    /**
     * A self-contained page (no scripts, no external files: Allure shows it in a frame): the
     * decision, the outcome bar, the mean score's interval, the figures, and one row per case
     * linking to that case's critiques further down the page.
     */
    static String html(SetReport report) {
        SetDecision r = report.result();
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(r.assertion())).append("</title><style>")
                .append("body{font:13px/1.4 -apple-system,'Segoe UI',Roboto,sans-serif;margin:12px;color:#222}")
                .append("table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}")
                .append("th{background:#f3f3f3}.win{color:#2e7d32}.loss{color:#c62828}.tie{color:#616161}.none{color:#b26a00}")
                .append("pre{white-space:pre-wrap;background:#fafafa;border:1px solid #eee;padding:6px}")
                .append("</style></head><body>\n");
        // Words, not the Markdown's emoji: a report viewer's fonts may lack them.
        h.append("<h3 id=\"autoj-decision\">").append(esc(r.assertion())).append(": ").append(esc(outcome(report)
                .replaceFirst("^\\S+ ", "")))
                .append("</h3>\n<p>").append(esc(r.reason())).append("</p>\n");
        h.append(outcomeBar(r)).append('\n').append(meanChart(r)).append('\n');
        h.append("<table id=\"autoj-figures\">\n");
        for (String[] row : SetDecisionText.rows(r)) {
            h.append("<tr><th>").append(esc(row[0])).append("</th><td>").append(esc(row[1])).append("</td></tr>\n");
        }
        h.append("</table>\n");
        h.append("<table id=\"autoj-cases\">\n<thead><tr><th>case</th><th>query</th><th>candidate shown first</th>"
                + "<th>baseline shown first</th><th>score</th><th>critique</th></tr></thead>\n<tbody>\n");
        // The critiques a reviewer needs first: lost, flipped, undecided and tied cases, then the won ones.
        List<StringBuilder> critiquesByRank = List.of(new StringBuilder(), new StringBuilder(), new StringBuilder(),
                new StringBuilder(), new StringBuilder());
        for (int index = 0; index < r.cases().size(); index++) {
            Case c = r.cases().get(index);
            Comparison comparison = report.comparisons().get(index);
            PairedCase pc = report.cases().get(index);
            h.append("<tr id=\"case-").append(index).append("\"><td>").append(esc(c.name())).append("</td><td title=\"")
                    .append(esc(pc.query())).append("\">").append(esc(start(pc.query()))).append("</td>");
            if (comparison == null) {
                h.append("<td colspan=\"3\" class=\"none\">not judged: the sequential test had decided</td><td>—</td></tr>\n");
                continue;
            }
            h.append("<td>").append(verdictCell(comparison.original().verdict(), true)).append("</td><td>")
                    .append(verdictCell(comparison.swapped().verdict(), false)).append("</td><td>");
            if (c.decided()) {
                h.append(Figures.caseScore(c.score())).append(c.positionFlip() ? " (flip)" : "");
            } else {
                h.append("<span class=\"none\" title=\"").append(esc(c.undecidedReason())).append("\">undecided</span>");
            }
            h.append("</td><td>");
            List<String> links = new ArrayList<>();
            StringBuilder critiques = critiquesByRank.get(rank(c));
            appendCritique(critiques, links, index, c, comparison.original(), "original", "candidate shown first");
            appendCritique(critiques, links, index, c, comparison.swapped(), "swapped", "baseline shown first");
            h.append(links.isEmpty() ? "—" : String.join(" · ", links));
            // What was suspicious in the judged texts (e.g. a quoted verdict marker skipped), as the case's own step said.
            java.util.Set<String> warnings = new java.util.LinkedHashSet<>(comparison.original().warnings());
            warnings.addAll(comparison.swapped().warnings());
            if (!warnings.isEmpty()) {
                h.append("<br><span class=\"none\">warnings: ").append(esc(String.join(" | ", warnings))).append("</span>");
            }
            h.append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
        StringBuilder critiques = new StringBuilder();
        critiquesByRank.forEach(critiques::append);
        if (critiques.length() > 0) {
            h.append("<h4>Critiques</h4>\n<p>Lost, flipped, undecided and tied cases first, then the won ones.</p>\n")
                    .append(critiques);
        } else {
            h.append("<p>No critique text: these judgments are verdicts only (e.g. Auto-J's published testbed labels).</p>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    /** A case's outcome for the candidate, in the order a reviewer reads their critiques. */
    private static final String[] OUTCOMES = {"lost", "flip", "undecided", "tie", "won"};

    private static int rank(Case c) {
        if (!c.decided()) {
            return 2;
        }
        if (c.positionFlip()) {
            return 1;
        }
        return c.score() > 0.5 ? 4 : c.score() == 0.5 ? 3 : 0;
    }

    private static void appendCritique(StringBuilder critiques, List<String> links, int index, Case c, Judgment j,
            String order, String words) {
        if (j.critique() == null || j.critique().isBlank()) {
            return;
        }
        String anchor = "critique-" + index + "-" + order;
        links.add("<a href=\"#" + anchor + "\">" + order + "</a>");
        critiques.append("<h5 id=\"").append(anchor).append("\">").append(esc(c.name())).append(" (").append(OUTCOMES[rank(c)])
                .append("), ").append(words)
                .append(" <a href=\"#case-").append(index).append("\">↑</a></h5>\n<pre>").append(esc(j.critique()))
                .append("</pre>\n");
    }

    /** A verdict as seen from the candidate: in the swapped order the candidate is response 2. */
    private static String verdictCell(Verdict v, boolean candidateFirst) {
        if (v == null) {
            return "<span class=\"none\">no verdict</span>";
        }
        if (v == Verdict.TIE) {
            return "<span class=\"tie\">tie</span>";
        }
        boolean candidate = (v == Verdict.RESPONSE_1) == candidateFirst;
        return candidate ? "<span class=\"win\">candidate</span>" : "<span class=\"loss\">baseline</span>";
    }

    /** The stacked bar of wins, ties, losses and undecided cases among the judged cases. */
    static String outcomeBar(SetDecision r) {
        int width = 520;
        SetDecision.Counts c = r.counts();
        int total = Math.max(1, c.judged());
        int[] counts = {c.wins(), c.ties(), c.losses(), c.undecided()};
        String[] names = {"wins", "ties", "losses", "undecided"};
        String[] colors = {"#43a047", "#9e9e9e", "#e53935", "#ffb300"};
        // Scales down to the frame Allure gives an attachment, never up.
        StringBuilder s = new StringBuilder("<svg id=\"autoj-outcome-bar\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(width + 20).append(" 62\" style=\"width:100%;max-width:").append(width + 20)
                .append("px\" role=\"img\" aria-label=\"wins, ties, losses, undecided\">");
        double x = 10;
        for (int i = 0; i < counts.length; i++) {
            double w = (double) counts[i] / total * width;
            if (w > 0) {
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"4\" width=\"%.1f\" height=\"24\" fill=\"%s\"><title>%s: %d</title></rect>",
                        x, w, colors[i], names[i], counts[i]));
                if (w >= 24) {
                    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"21\" text-anchor=\"middle\" font-size=\"12\" fill=\"#fff\">%d</text>",
                            x + w / 2, counts[i]));
                }
            }
            x += w;
        }
        double lx = 10;
        for (int i = 0; i < counts.length; i++) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%.0f\" y=\"40\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%.0f\" y=\"49\" font-size=\"12\">%s %d</text>", lx, colors[i], lx + 14, names[i], counts[i]));
            lx += 110;
        }
        return s.append("</svg>").toString();
    }

    /**
     * The mean case score on a 0–1 line with its one-sided lower bound, against ½ (what a tie
     * scores) and, for non-inferiority, ½ − margin.
     */
    static String meanChart(SetDecision r) {
        int left = 20;
        int width = 500;
        StringBuilder s = new StringBuilder("<svg id=\"autoj-mean-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(left * 2 + width).append(" 74\" style=\"width:100%;max-width:").append(left * 2 + width)
                .append("px\" role=\"img\" aria-label=\"mean case score and lower bound\">");
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"40\" x2=\"%d\" y2=\"40\" stroke=\"#888\"/>", left, left + width));
        String[] tickLabels = {"0", "¼", "½", "¾", "1"};
        for (int i = 0; i <= 4; i++) {
            double tx = left + width * i / 4.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"36\" x2=\"%.1f\" y2=\"44\" stroke=\"#888\"/>"
                    + "<text x=\"%.1f\" y=\"58\" text-anchor=\"middle\" font-size=\"11\">%s</text>", tx, tx, tx, tickLabels[i]));
        }
        double half = left + width * 0.5;
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"8\" x2=\"%.1f\" y2=\"48\" stroke=\"#555\" stroke-dasharray=\"3,2\"/>",
                half, half));
        if (!Double.isNaN(r.margin())) {
            double mx = left + width * (0.5 - r.margin());
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"8\" x2=\"%.1f\" y2=\"48\" stroke=\"#c62828\" "
                    + "stroke-dasharray=\"4,2\"><title>½ − margin = %s</title></line>"
                    + "<text x=\"%.1f\" y=\"70\" text-anchor=\"middle\" font-size=\"11\" fill=\"#c62828\">½ − margin</text>",
                    mx, mx, Figures.number(0.5 - r.margin()), mx));
        }
        double meanScore = r.mean().value();
        double lowerBound = r.mean().lowerBound();
        if (Double.isNaN(meanScore)) {
            return s.append("<text x=\"").append(left).append("\" y=\"20\" font-size=\"12\">no decided case: no mean score</text></svg>")
                    .toString();
        }
        double mean = left + width * meanScore;
        if (!Double.isNaN(lowerBound)) {
            double low = left + width * Math.max(0, lowerBound);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"24\" x2=\"%.1f\" y2=\"24\" stroke=\"#1e88e5\" stroke-width=\"4\">"
                    + "<title>one-sided lower bound %s</title></line>"
                    + "<line x1=\"%.1f\" y1=\"16\" x2=\"%.1f\" y2=\"32\" stroke=\"#1e88e5\" stroke-width=\"2\"/>",
                    low, mean, Figures.number(lowerBound), low, low));
        }
        s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"24\" r=\"5\" fill=\"#0d47a1\"><title>mean case score %s</title></circle>"
                + "<text x=\"%.1f\" y=\"12\" text-anchor=\"middle\" font-size=\"11\">mean %s (bound %s)</text>",
                mean, Figures.number(meanScore), mean, Figures.number(meanScore), Figures.number(lowerBound)));
        return s.append("</svg>").toString();
    }

    // ---- number and text helpers ----

    private static String start(String query) {
        String flat = query.strip().replaceAll("\\s+", " ");
        return flat.length() <= QUERY_START ? flat : flat.substring(0, QUERY_START) + "…";
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
