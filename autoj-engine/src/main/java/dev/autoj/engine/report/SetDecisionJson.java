package dev.autoj.engine.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@link SetDecision} as an entry of summary.json's {@code set_comparisons} (docs/reports.md):
 * the flat field layout of format {@code autoj-summary/1}, which {@link RunSummaryJson} reads back.
 */
final class SetDecisionJson {

    private SetDecisionJson() {
    }

    /** Every field of every method, null where it does not apply: the layout docs/reports.md fixes and older readers expect. */
    static void write(ObjectNode m, SetDecision s) {
        SetDecision.Counts c = s.counts();
        SetDecision.SignTest sign = s.method() instanceof SetDecision.SignTest t ? t : null;
        SetDecision.Sequential sprt = s.method() instanceof SetDecision.Sequential q ? q : null;
        m.put("assertion", s.assertion());
        m.put("method", s.method().jsonName());
        m.put("decision", s.decision().jsonName());
        m.put("reason", s.reason());
        m.put("cases", c.cases());
        m.put("judged", c.judged());
        m.put("wins", c.wins());
        m.put("ties", c.ties());
        m.put("losses", c.losses());
        m.put("undecided", c.undecided());
        m.put("position_flips", c.positionFlips());
        RunSummaryJson.number(m, "mean_score", s.mean().value());
        RunSummaryJson.number(m, "mean_score_lower_bound", s.mean().lowerBound());
        RunSummaryJson.number(m, "win_share", s.winShare().value());
        RunSummaryJson.number(m, "win_share_low", s.winShare().low());
        RunSummaryJson.number(m, "win_share_high", s.winShare().high());
        RunSummaryJson.number(m, "p_value", sign == null ? Double.NaN : sign.pValue());
        RunSummaryJson.number(m, "llr", sprt == null ? Double.NaN : sprt.llr());
        RunSummaryJson.number(m, "llr_lower_bound", sprt == null ? Double.NaN : sprt.lowerBound());
        RunSummaryJson.number(m, "llr_upper_bound", sprt == null ? Double.NaN : sprt.upperBound());
        m.put("decided_at", sprt == null ? null : sprt.decidedAt());
        RunSummaryJson.number(m, "significance", s.significance());
        RunSummaryJson.number(m, "margin", s.margin());
        if (s.casesNeeded() < 0) {
            m.putNull("cases_needed");
        } else {
            m.put("cases_needed", s.casesNeeded());
        }
        ArrayNode cases = m.putArray("case_results");
        for (SetDecision.Case k : s.cases()) {
            ObjectNode n = cases.addObject();
            n.put("name", k.name());
            n.put("judged", k.judged());
            n.put("score", k.score());
            RunSummaryJson.verdicts(n.putArray("verdicts"), k.verdicts());
            n.put("position_flip", k.positionFlip());
            n.put("undecided", k.undecidedReason());
        }
    }
}
