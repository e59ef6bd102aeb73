package dev.autoj.engine.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.report.RunSummary.JudgmentEntry;
import dev.autoj.engine.report.RunSummary.Status;
import dev.autoj.engine.report.RunSummary.TestEntry;
import dev.autoj.engine.report.RunSummary.Totals;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The JSON form of {@link RunSummary}, field by field through Jackson's tree model: the layout is
 * fixed by docs/reports.md (pairwise and single entries carry different fields, some present as
 * {@code null}), which is simpler to keep exact by hand than through binding annotations.
 * Reading is strict about what a merge gate depends on (format, tests, id, status) and lenient
 * about the rest, so that summaries written before a field was added still read.
 */
final class RunSummaryJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String PRODUCE = "pass a summary.json written by the autoj JUnit extension (target/autoj/summary.json by default)";

    private RunSummaryJson() {
    }

    // ---- writing ----

    static String write(RunSummary summary) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", RunSummary.FORMAT);
        Totals totals = summary.totals();
        ObjectNode t = root.putObject("totals");
        t.put("tests", totals.tests());
        t.put("passed", totals.passed());
        t.put("failed", totals.failed());
        t.put("aborted", totals.aborted());
        t.put("judgments", totals.judgments());
        t.put("comparisons", totals.comparisons());
        t.put("position_flips", totals.positionFlips());
        t.put("position_flip_rate", Math.round(totals.positionFlipRate() * 10000) / 10000.0);
        t.put("no_verdicts", totals.noVerdicts());
        t.put("judge_time_ms", totals.judgeTimeMillis());
        t.put("replay_hits", totals.replayHits());
        t.put("replay_misses", totals.replayMisses());
        t.put("with_warnings", totals.withWarnings());
        t.put("set_comparisons", totals.setComparisons());
        ArrayNode tests = root.putArray("tests");
        for (TestEntry test : summary.tests()) {
            ObjectNode m = tests.addObject();
            m.put("id", test.id());
            m.put("class", test.className());
            m.put("name", test.name());
            m.put("status", test.status().jsonName());
            ArrayNode judgments = m.putArray("judgments");
            test.judgments().forEach(j -> judgment(judgments.addObject(), j));
            ArrayNode sets = m.putArray("set_comparisons");
            test.setComparisons().forEach(s -> SetDecisionJson.write(sets.addObject(), s));
        }
        ObjectNode keys = root.putObject("store_keys");
        summary.storeKeys().judgments().forEach(keys.putArray("judgments")::add);
        summary.storeKeys().answers().forEach(keys.putArray("answers")::add);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the run summary as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void judgment(ObjectNode m, JudgmentEntry j) {
        m.put("assertion", j.assertion());
        m.put("expectation", j.expectation());
        m.put("protocol", j.protocol().name().toLowerCase(Locale.ROOT));
        m.put("scenario", j.scenario());
        m.put("passed", j.passed());
        if (j.protocol() == Protocol.PAIRWISE) {
            m.put("position_policy", j.positionPolicy());
            verdicts(m.putArray("verdicts"), j.verdicts() == null ? List.of() : j.verdicts());
            m.put("combined", j.combined() == null ? null : j.combined().name());
            m.put("consistent", j.consistent());
        } else {
            m.put("rating", j.rating());
        }
        m.put("no_verdict", j.noVerdict());
        m.put("source", j.source());
        m.put("latency_ms", j.latencyMillis());
        ArrayNode warnings = m.putArray("warnings");
        j.warnings().forEach(warnings::add);
        if (!j.notes().isEmpty()) {
            ArrayNode notes = m.putArray("notes");
            j.notes().forEach(notes::add);
        }
        if (j.rubric() != null) {
            m.put("rubric", j.rubric());
            m.put("rubric_sha256", j.rubricSha256());
        }
        if (j.referenceAnswer() != null) {
            m.put("reference_answer", j.referenceAnswer());
            m.put("reference_answer_sha256", j.referenceAnswerSha256());
        }
        if (!j.answers().isEmpty()) {
            ArrayNode answers = m.putArray("answers");
            for (RunSummary.AnswerUse a : j.answers()) {
                ObjectNode n = answers.addObject();
                n.put("role", a.role());
                n.put("key", a.key());
                n.put("model", a.model());
                n.put("served", a.served());
                n.put("source", a.source());
                n.put("recorded_at", a.recordedAt());
            }
        }
    }

    static void verdicts(ArrayNode array, List<Verdict> verdicts) {
        verdicts.forEach(v -> array.add(v == null ? null : v.name()));
    }

    /** NaN (a figure that does not apply) is {@code null}: JSON has no NaN. */
    static void number(ObjectNode m, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            m.putNull(field);
        } else {
            m.put(field, value);
        }
    }

    // ---- reading ----

    static RunSummary read(Path file) {
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = JSON.readTree(in);
        } catch (NoSuchFileException e) {
            throw new SummaryFormatException(file, 0, "no such file", PRODUCE, e);
        } catch (AccessDeniedException e) {
            throw new SummaryFormatException(file, 0, "cannot be read (access denied)", "check the file's permissions", e);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
            throw new SummaryFormatException(file, line, "not valid JSON (" + e.getOriginalMessage() + ")", PRODUCE, e);
        } catch (IOException e) {
            throw new SummaryFormatException(file, 0, "cannot be read (" + e + ")", "check that it is a readable file", e);
        }
        return new Reader(file).summary(root);
    }

    /** Reads one file's tree, naming the file in every error. */
    private record Reader(Path file) {

        RunSummary summary(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw error("is not a JSON object", PRODUCE);
            }
            JsonNode format = root.get("format");
            if (format == null || !format.isTextual()) {
                throw error("has no \"format\" field, so it is not an autoj run summary", PRODUCE);
            }
            if (!RunSummary.FORMAT.equals(format.textValue())) {
                throw error("has format \"" + format.textValue() + "\", but this autoj reads " + RunSummary.FORMAT,
                        "compare summaries written by the same autoj version as this command (or upgrade autoj)");
            }
            JsonNode tests = root.get("tests");
            if (tests == null || !tests.isArray()) {
                throw error("has no \"tests\" array", PRODUCE);
            }
            List<TestEntry> entries = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < tests.size(); i++) {
                JsonNode test = object(tests.get(i), "tests[" + i + "]");
                String where = "tests[" + i + "]";
                String id = required(test, "id", where);
                if (!ids.add(id)) {
                    throw error(where + " repeats the id \"" + id + "\"", "each test must appear once; regenerate the summary");
                }
                Status status = status(required(test, "status", where), where);
                List<JudgmentEntry> judgments = new ArrayList<>();
                JsonNode list = array(test, "judgments", where);
                for (int k = 0; k < list.size(); k++) {
                    judgments.add(judgment(object(list.get(k), where + ".judgments[" + k + "]"), where + ".judgments[" + k + "]"));
                }
                List<SetDecision> sets = new ArrayList<>();
                list = array(test, "set_comparisons", where);
                for (int k = 0; k < list.size(); k++) {
                    sets.add(set(object(list.get(k), where + ".set_comparisons[" + k + "]"), where + ".set_comparisons[" + k + "]"));
                }
                entries.add(new TestEntry(id, text(test, "class", where), text(test, "name", where), status, judgments, sets));
            }
            return new RunSummary(totals(root.path("totals")), entries, storeKeys(root.path("store_keys")));
        }

        Totals totals(JsonNode t) {
            return new Totals(t.path("tests").asInt(), t.path("passed").asInt(), t.path("failed").asInt(),
                    t.path("aborted").asInt(), t.path("judgments").asInt(), t.path("comparisons").asInt(),
                    t.path("position_flips").asInt(), t.path("no_verdicts").asInt(), t.path("judge_time_ms").asLong(),
                    t.path("replay_hits").asInt(), t.path("replay_misses").asInt(), t.path("with_warnings").asInt(),
                    t.path("set_comparisons").asInt());
        }

        JudgmentEntry judgment(JsonNode j, String where) {
            String protocol = required(j, "protocol", where);
            Protocol p = switch (protocol) {
                case "pairwise" -> Protocol.PAIRWISE;
                case "single" -> Protocol.SINGLE;
                default -> throw error(where + " has the protocol \"" + protocol + "\"", "a judgment's protocol is pairwise or single");
            };
            JsonNode rating = j.get("rating");
            JsonNode consistent = j.get("consistent");
            return new JudgmentEntry(text(j, "assertion", where), text(j, "expectation", where), p, text(j, "scenario", where),
                    j.path("passed").asBoolean(), text(j, "position_policy", where),
                    p == Protocol.PAIRWISE ? verdicts(j, "verdicts", where) : null, verdict(j.get("combined"), where + ".combined"),
                    consistent == null || consistent.isNull() ? null : consistent.asBoolean(),
                    rating == null || rating.isNull() ? null : rating.asDouble(), text(j, "no_verdict", where),
                    text(j, "source", where), j.path("latency_ms").asLong(), strings(j, "warnings", where),
                    j.has("notes") ? strings(j, "notes", where) : List.of(), answers(j, where), text(j, "rubric", where),
                    text(j, "reference_answer", where));
        }

        List<RunSummary.AnswerUse> answers(JsonNode j, String where) {
            if (!j.has("answers")) {
                return List.of();
            }
            JsonNode list = array(j, "answers", where);
            List<RunSummary.AnswerUse> uses = new ArrayList<>();
            for (int k = 0; k < list.size(); k++) {
                String at = where + ".answers[" + k + "]";
                JsonNode a = object(list.get(k), at);
                uses.add(new RunSummary.AnswerUse(required(a, "role", at), required(a, "key", at), text(a, "model", at),
                        text(a, "served", at), text(a, "source", at), text(a, "recorded_at", at)));
            }
            return uses;
        }

        RunSummary.StoreKeys storeKeys(JsonNode keys) {
            if (keys.isMissingNode() || keys.isNull()) {
                return RunSummary.StoreKeys.NONE;
            }
            object(keys, "store_keys");
            return new RunSummary.StoreKeys(keys.has("judgments") ? strings(keys, "judgments", "store_keys") : List.of(),
                    keys.has("answers") ? strings(keys, "answers", "store_keys") : List.of());
        }

        SetDecision set(JsonNode s, String where) {
            List<SetDecision.Case> cases = new ArrayList<>();
            JsonNode list = array(s, "case_results", where);
            for (int k = 0; k < list.size(); k++) {
                String at = where + ".case_results[" + k + "]";
                JsonNode c = object(list.get(k), at);
                JsonNode score = c.get("score");
                cases.add(new SetDecision.Case(required(c, "name", at), c.path("judged").asBoolean(),
                        score == null || score.isNull() ? null : score.asDouble(), verdicts(c, "verdicts", at),
                        c.path("position_flip").asBoolean(), text(c, "undecided", at)));
            }
            JsonNode needed = s.get("cases_needed");
            SetDecision.Counts counts = new SetDecision.Counts(s.path("cases").asInt(), s.path("judged").asInt(),
                    s.path("wins").asInt(), s.path("ties").asInt(), s.path("losses").asInt(), s.path("undecided").asInt(),
                    s.path("position_flips").asInt());
            return new SetDecision(required(s, "assertion", where), decision(required(s, "decision", where), where),
                    text(s, "reason", where), counts,
                    new SetDecision.Mean(number(s, "mean_score"), number(s, "mean_score_lower_bound")),
                    new SetDecision.WinShare(number(s, "win_share"), number(s, "win_share_low"), number(s, "win_share_high")),
                    method(s, where), number(s, "significance"), needed == null || needed.isNull() ? -1 : needed.asInt(), cases);
        }

        private SetDecision.Decision decision(String decision, String where) {
            for (SetDecision.Decision d : SetDecision.Decision.values()) {
                if (d.jsonName().equals(decision)) {
                    return d;
                }
            }
            throw error(where + " has the decision \"" + decision + "\"", "a set-level decision is pass, fail or inconclusive");
        }

        private SetDecision.Method method(JsonNode s, String where) {
            String method = required(s, "method", where);
            return switch (method) {
                case "sign_test" -> new SetDecision.SignTest(number(s, "p_value"));
                case "sequential" -> new SetDecision.Sequential(number(s, "llr"), number(s, "llr_lower_bound"),
                        number(s, "llr_upper_bound"), text(s, "decided_at", where));
                case "non_inferiority" -> new SetDecision.NonInferiority(number(s, "margin"));
                default -> throw error(where + " has the method \"" + method + "\"",
                        "a set-level method is sign_test, sequential or non_inferiority");
            };
        }

        private static double number(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value == null || !value.isNumber() ? Double.NaN : value.asDouble();
        }

        private List<Verdict> verdicts(JsonNode node, String field, String where) {
            List<Verdict> out = new ArrayList<>();
            JsonNode list = array(node, field, where);
            for (int i = 0; i < list.size(); i++) {
                out.add(verdict(list.get(i), where + "." + field + "[" + i + "]"));
            }
            return out;
        }

        private Verdict verdict(JsonNode value, String where) {
            if (value == null || value.isNull()) {
                return null;
            }
            for (Verdict v : Verdict.values()) {
                if (v.name().equals(value.asText())) {
                    return v;
                }
            }
            throw error(where + " is \"" + value.asText() + "\"", "a verdict is RESPONSE_1, RESPONSE_2, TIE or null");
        }

        private List<String> strings(JsonNode node, String field, String where) {
            List<String> out = new ArrayList<>();
            array(node, field, where).forEach(v -> out.add(v.asText()));
            return out;
        }

        /** The array {@code field}, or an empty one when absent (a summary from before the field existed). */
        private JsonNode array(JsonNode node, String field, String where) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return JSON.createArrayNode();
            }
            if (!value.isArray()) {
                throw error(where + " has a \"" + field + "\" that is not an array", PRODUCE);
            }
            return value;
        }

        private JsonNode object(JsonNode node, String where) {
            if (node == null || !node.isObject()) {
                throw error(where + " is not an object", PRODUCE);
            }
            return node;
        }

        private String required(JsonNode node, String field, String where) {
            String value = text(node, field, where);
            if (value == null || value.isBlank()) {
                throw error(where + " has no \"" + field + "\"", PRODUCE);
            }
            return value;
        }

        private String text(JsonNode node, String field, String where) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                throw error(where + " has a \"" + field + "\" that is not a string", PRODUCE);
            }
            return value.textValue();
        }

        private Status status(String status, String where) {
            for (Status s : Status.values()) {
                if (s.jsonName().equals(status)) {
                    return s;
                }
            }
            throw error(where + " has the status \"" + status + "\"", "a test's status is passed, failed or aborted");
        }

        private SummaryFormatException error(String problem, String fix) {
            return new SummaryFormatException(file, 0, problem, fix, null);
        }
    }
}
