package dev.autoj.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.engine.report.JudgmentJson;
import dev.autoj.cli.eval.InputException;
import dev.autoj.cli.eval.JsonLines;
import dev.autoj.engine.Comparison;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Judgment;
import dev.autoj.engine.Language;
import dev.autoj.engine.Scenario;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.protocol.UnencodableTextException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code autoj judge}: judges each request line with the configured judge and appends one judgment
 * line per request to {@code --out}, as each batch finishes. Re-running with the same {@code --out}
 * continues where the last run stopped.
 */
@Command(name = "judge",
        mixinStandardHelpOptions = true,
        description = {
            "Judges each request with the judge --model-name names (Auto-J by default; live, recorded or replayed) and",
            "appends one judgment line per request to --out.",
            "Auto-J input lines (each may add \"language\":\"zh\" and \"scenario\":\"<name>\"):",
            "  {\"protocol\":\"single\",\"query\":…,\"response\":…}",
            "  {\"protocol\":\"pairwise\",\"query\":…,\"response_1\":…,\"response_2\":…}",
            "Prometheus 2 input lines (--model-name prometheus-eval/prometheus-7b-v2.0; reference_answer optional;",
            "rubric: helpfulness, harmlessness, honesty, factual_validity, reasoning, or the rubric's text):",
            "  {\"protocol\":\"absolute\",\"instruction\":…,\"response\":…,\"rubric\":…,\"reference_answer\":…}",
            "  {\"protocol\":\"relative\",\"instruction\":…,\"response_a\":…,\"response_b\":…,\"rubric\":…,\"reference_answer\":…}",
            "Output lines: {\"verdict\",\"rating\",\"no_verdict\",\"critique\",\"raw\",\"orders\":[…],\"consistent\",",
            "  \"prompt_sha256\",\"model\",\"source\",\"latency_ms\",…}",
            "Pairs are judged in both orders unless --no-swap. Re-running with the same --out skips what it holds."})
final class JudgeCommand extends AutojCommand {

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "requests, JSON Lines")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "judgments, JSON Lines; appended as they finish, so a stopped run continues when run again")
    Path out;

    @Option(names = "--no-swap", description = "judge pairs in the given order only (half the work, no position-bias check)")
    boolean noSwap;

    @Mixin
    JudgeOptions judge;

    /**
     * One parsed request line. {@code response2} is null for a single-response request; {@code rubric} and
     * {@code referenceAnswer} are null for Auto-J's lines.
     */
    private record Request(int line, String protocol, boolean pairwise, String query, String response1, String response2,
                           Language language, Scenario scenario, String rubric, String referenceAnswer, String sha256) {
    }

    @Override
    void execute() {
        List<Request> requests = new ArrayList<>();
        for (JsonLines.Line line : JsonLines.read(in)) {
            requests.add(request(line));
        }
        try (ResumableOutput output = ResumableOutput.open(out, requests.stream().map(Request::sha256).toList(), in)) {
            List<Request> remaining = requests.subList(output.done(), requests.size());
            if (remaining.isEmpty()) {
                return;
            }
            try (Judge j = judge.build();
                 Progress progress = new Progress(spec.commandLine().getErr(), "requests judged", remaining.size())) {
                requireProtocols(j, remaining);
                for (List<Request> batch : judge.batches(remaining)) {
                    for (String line : judgeBatch(j, batch)) {
                        output.append(line);
                    }
                    progress.advance(batch.size());
                }
            }
        }
    }

    /** Judges one batch (its pairs in one call, its single responses in another); result lines in batch order. */
    private List<String> judgeBatch(Judge j, List<Request> batch) {
        List<Judge.CompareRequest> pairs = new ArrayList<>();
        List<Judge.GradeRequest> singles = new ArrayList<>();
        for (Request r : batch) {
            if (r.pairwise()) {
                pairs.add(new Judge.CompareRequest(r.query(), r.response1(), r.response2(), r.scenario(), r.language(),
                        r.rubric(), r.referenceAnswer()));
            } else {
                singles.add(new Judge.GradeRequest(r.query(), r.response1(), r.scenario(), r.language(), r.rubric(),
                        r.referenceAnswer()));
            }
        }
        List<Comparison> comparisons = pairs.isEmpty() || noSwap ? List.of() : j.compareAll(pairs);
        List<Judgment> oneOrder = pairs.isEmpty() || !noSwap ? List.of() : j.compareInGivenOrderAll(pairs);
        List<Judgment> grades = singles.isEmpty() ? List.of() : j.gradeAll(singles);
        List<String> lines = new ArrayList<>(batch.size());
        int pair = 0;
        int single = 0;
        for (Request r : batch) {
            ObjectNode node;
            if (!r.pairwise()) {
                node = single(grades.get(single++));
            } else if (noSwap) {
                node = givenOrder(oneOrder.get(pair++));
            } else {
                node = bothOrders(comparisons.get(pair++));
            }
            ObjectNode line = Json.object();
            line.put("line", r.line());
            line.put(ResumableOutput.HASH_FIELD, r.sha256());
            line.setAll(node);
            line.put("protocol", r.protocol()); // the line's protocol: "absolute"/"relative" for Prometheus 2's lines
            lines.add(Json.line(line));
        }
        return lines;
    }

    private static ObjectNode single(Judgment j) {
        ObjectNode node = JudgmentJson.of(j);
        node.putNull("consistent");
        return node;
    }

    private static ObjectNode givenOrder(Judgment j) {
        ObjectNode node = JudgmentJson.of(j);
        node.putArray("orders").add(order("original", j));
        node.putNull("consistent");
        return node;
    }

    /** The pair's combined verdict; critique and raw output of the original order; each order in full. */
    private static ObjectNode bothOrders(Comparison c) {
        ObjectNode node = JudgmentJson.of(c.original());
        node.put("verdict", verdict(c.combined()));
        node.put("no_verdict", c.combined() != null ? null : noVerdict(c));
        ArrayNode orders = node.putArray("orders");
        orders.add(order("original", c.original()));
        orders.add(order("swapped", c.swapped()));
        node.put("consistent", c.consistent());
        node.put("latency_ms", c.original().latency().plus(c.swapped().latency()).toMillis());
        ArrayNode warnings = node.putArray("warnings");
        java.util.stream.Stream.concat(c.original().warnings().stream(), c.swapped().warnings().stream()).distinct()
                .forEach(warnings::add);
        return node;
    }

    private static String noVerdict(Comparison c) {
        List<String> reasons = new ArrayList<>(2);
        if (c.original().isNoVerdict()) {
            reasons.add("original order: " + c.original().noVerdictReason());
        }
        if (c.swapped().isNoVerdict()) {
            reasons.add("swapped order: " + c.swapped().noVerdictReason());
        }
        return String.join("; ", reasons);
    }

    /** One order of a pair; {@code verdict} names positions as the judge saw them. */
    private static ObjectNode order(String name, Judgment j) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("order", name);
        Verdict original = j.verdict() == null || name.equals("original") ? j.verdict() : j.verdict().swapped();
        node.put("verdict_in_original_positions", verdict(original));
        node.setAll(JudgmentJson.of(j));
        return node;
    }

    private static String verdict(Verdict v) {
        return v == null ? null : v.name();
    }

    /** Every line's protocol must be one the judge's family speaks; checked before any line is judged. */
    private void requireProtocols(Judge j, List<Request> requests) {
        for (Request r : requests) {
            if (!j.family().protocols().contains(r.protocol())) {
                throw new InputException(in, r.line(), "protocol \"" + r.protocol() + "\" is not one of the judge's ("
                        + j.modelId() + ", " + j.family().name() + ": " + String.join(", ", j.family().protocols()) + ")",
                        "choose the judge with --model-name (\"single\"/\"pairwise\" are Auto-J's, e.g. GAIR/autoj-13b;"
                        + " \"absolute\"/\"relative\" are Prometheus 2's, e.g. prometheus-eval/prometheus-7b-v2.0)");
            }
        }
    }

    private Request request(JsonLines.Line line) {
        String protocol = line.text("protocol").trim().toLowerCase(Locale.ROOT);
        if (protocol.equals("absolute") || protocol.equals("relative")) {
            return prometheusRequest(line, protocol);
        }
        Language language = PromptCommand.language(line);
        String query = line.text("query");
        if (query.isBlank()) {
            throw line.fail("field \"query\" is blank", "write the user's query the response answers");
        }
        for (String field : List.of("query", "response", "response_1", "response_2")) {
            try {
                UnencodableTextException.requireEncodable("field \"" + field + "\"", line.optionalText(field));
            } catch (UnencodableTextException e) {
                throw line.fail(e.getMessage(), "write whole characters (a \\ud800-style escape must be one of a surrogate pair)");
            }
        }
        String name = line.optionalText("scenario");
        Scenario scenario = null;
        if (name != null) {
            scenario = Scenario.find(name).orElseThrow(() -> line.fail("unknown scenario \"" + name + "\"",
                    "use one of Auto-J's scenario names (docs/scenarios.md), e.g. \"code_generation\", or leave \"scenario\" out"));
        }
        return switch (protocol) {
            case "single" -> new Request(line.number(), protocol, false, query, line.text("response"), null, language, scenario,
                    null, null, hash(protocol, language, scenario, query, line.text("response"), null, null, null));
            case "pairwise" -> new Request(line.number(), protocol, true, query, line.text("response_1"), line.text("response_2"),
                    language, scenario, null, null,
                    hash(protocol, language, scenario, query, line.text("response_1"), line.text("response_2"), null, null));
            case "scenario" -> throw line.fail("protocol \"scenario\" classifies a query, it judges nothing",
                    "use autoj classify for scenario classification, or \"single\" / \"pairwise\" here");
            default -> throw line.fail("unknown protocol \"" + line.text("protocol") + "\"",
                    "use \"single\" or \"pairwise\" (Auto-J), \"absolute\" or \"relative\" (Prometheus 2)");
        };
    }

    /** A Prometheus 2 line: instruction, response (absolute) or response_a and response_b (relative), rubric, reference_answer. */
    private Request prometheusRequest(JsonLines.Line line, String protocol) {
        boolean relative = protocol.equals("relative");
        List<String> fields = relative ? List.of("instruction", "response_a", "response_b", "rubric", "reference_answer")
                : List.of("instruction", "response", "rubric", "reference_answer");
        for (String field : fields) {
            try {
                UnencodableTextException.requireEncodable("field \"" + field + "\"", line.optionalText(field));
            } catch (UnencodableTextException e) {
                throw line.fail(e.getMessage(), "write whole characters (a \\ud800-style escape must be one of a surrogate pair)");
            }
        }
        String instruction = line.text("instruction");
        if (instruction.isBlank()) {
            throw line.fail("field \"instruction\" is blank", "write the instruction the response answers");
        }
        if (line.optionalText("language") != null || line.optionalText("scenario") != null) {
            throw line.fail("Prometheus 2 takes neither \"language\" (its templates are English only) nor \"scenario\"",
                    "remove them from this line");
        }
        String first = line.text(relative ? "response_a" : "response");
        String second = relative ? line.text("response_b") : null;
        String rubric = line.text("rubric");
        String reference = line.optionalText("reference_answer");
        return new Request(line.number(), protocol, relative, instruction, first, second, Language.EN, null, rubric, reference,
                hash(protocol, Language.EN, null, instruction, first, second, rubric, reference));
    }

    /** Identifies a request and how it is judged, so that a resumed run recognises its own lines. */
    private String hash(String protocol, Language language, Scenario scenario, String query, String response1, String response2,
            String rubric, String referenceAnswer) {
        ObjectNode canonical = Json.object();
        canonical.put("protocol", protocol);
        canonical.put("language", language.name());
        canonical.put("scenario", scenario == null ? null : scenario.id());
        canonical.put("query", query);
        canonical.put("response_1", response1);
        canonical.put("response_2", response2);
        canonical.put("swap", !noSwap && response2 != null);
        if (rubric != null) { // Auto-J's lines keep the hash they had, so their resumed runs recognise them
            canonical.put("rubric", rubric);
            canonical.put("reference_answer", referenceAnswer);
            String sampling = judge.sampling == null ? "greedy" : judge.sampling.strip().toLowerCase(Locale.ROOT);
            if (!sampling.equals("greedy")) { // a sampled run does not resume a greedy one's lines
                canonical.put("sampling", sampling);
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Json.line(canonical).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
