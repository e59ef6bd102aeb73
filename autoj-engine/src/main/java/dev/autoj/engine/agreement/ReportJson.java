package dev.autoj.engine.agreement;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Verdict;
import java.util.List;
import java.util.Locale;

/** The JSON form of the agreement reports ({@code autoj eval agreement --json}); an undefined figure is null. */
final class ReportJson {

    private ReportJson() {
    }

    static ObjectNode pairwise(PairwiseAgreementReport r) {
        return root("pairwise", r.judge(), figures(r.overall()), r.byScenarioGroup().stream().map(ReportJson::figures).toList(),
                r.byTag().stream().map(ReportJson::figures).toList(), r.noVerdicts());
    }

    static ObjectNode single(SingleAgreementReport r) {
        ObjectNode root = root("single", r.judge(), figures(r.overall()), r.byScenarioGroup().stream().map(ReportJson::figures).toList(),
                r.byTag().stream().map(ReportJson::figures).toList(), r.noVerdicts());
        root.put("tolerance", r.tolerance());
        return root;
    }

    private static ObjectNode root(String protocol, String judge, ObjectNode overall, List<ObjectNode> groups, List<ObjectNode> tags,
            List<NoVerdictCase> noVerdicts) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("protocol", protocol);
        root.put("judge", judge);
        root.set("overall", overall);
        root.putArray("by_scenario_group").addAll(groups);
        root.putArray("by_tag").addAll(tags);
        ArrayNode array = root.putArray("no_verdicts");
        for (NoVerdictCase nv : noVerdicts) {
            ObjectNode item = array.addObject();
            item.put("case", nv.name());
            item.put("index", nv.index() + 1);
            item.put("order", nv.order());
            item.put("reason", nv.reason());
        }
        return root;
    }

    private static ObjectNode figures(PairwiseAgreementReport.Figures f) {
        ObjectNode node = row(f.name(), f.cases(), f.agreementPercent(), f.agreementInterval());
        node.put("agreeing", f.agreeing());
        node.put("consistent", f.consistent());
        node.put("consistency", f.consistencyPercent());
        Statistics.Kappa k = f.kappa();
        ObjectNode kappa = node.putObject("kappa");
        number(kappa, "value", k.value());
        number(kappa, "standard_error", k.standardError());
        ArrayNode ci = kappa.putArray("interval");
        number(ci, k.interval().low());
        number(ci, k.interval().high());
        number(kappa, "observed", k.observed());
        number(kappa, "chance", k.chance());
        ObjectNode confusion = node.putObject("confusion");
        for (PairVerdict judge : PairVerdict.values()) {
            ObjectNode row = confusion.putObject(judge.name().toLowerCase(Locale.ROOT));
            for (Verdict human : Verdict.values()) {
                row.put(human.name().toLowerCase(Locale.ROOT), f.confusion().count(judge, human));
            }
        }
        return node;
    }

    private static ObjectNode figures(SingleAgreementReport.Figures f) {
        ObjectNode node = row(f.name(), f.cases(), Percent.round2(100 * f.agreement()), f.agreementInterval());
        node.put("rated", f.rated());
        node.put("within_tolerance", f.withinTolerance());
        number(node, "pearson", f.pearson());
        number(node, "spearman", f.spearman());
        number(node, "mean_absolute_difference", f.meanAbsoluteDifference());
        return node;
    }

    /** What every row has: its name, cases, the agreement in percent and its interval as percentages, e.g. [52.33, 57.56]. */
    private static ObjectNode row(String name, int cases, double agreementPercent, Statistics.Interval interval) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", name);
        node.put("cases", cases);
        node.put("agreement", agreementPercent);
        ArrayNode array = node.putArray("agreement_interval");
        array.add(Percent.round2(100 * interval.low()));
        array.add(Percent.round2(100 * interval.high()));
        return node;
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    private static void number(ArrayNode array, double value) {
        if (Double.isNaN(value)) {
            array.addNull();
        } else {
            array.add(value);
        }
    }
}
