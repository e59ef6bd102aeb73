package dev.autoj.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.cli.eval.InputException;
import dev.autoj.cli.eval.JsonLines;
import dev.autoj.engine.Language;
import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.onnx.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code autoj prompt}: the exact model input of the judge family for each request, optionally with its token ids. */
@Command(name = "prompt",
        mixinStandardHelpOptions = true,
        description = {
            "Builds the judge's exact model input for each request line (the family follows from --model-name).",
            "Auto-J (default) input lines (each may add \"language\":\"zh\" for the Chinese templates):",
            "  {\"protocol\":\"single\",\"query\":…,\"response\":…}",
            "  {\"protocol\":\"pairwise\",\"query\":…,\"response_1\":…,\"response_2\":…}",
            "  {\"protocol\":\"scenario\",\"query\":…}",
            "Prometheus 2 input lines (reference_answer optional; rubric: helpfulness, harmlessness, honesty,",
            "factual_validity, reasoning, or the rubric's text):",
            "  {\"protocol\":\"absolute\",\"instruction\":…,\"response\":…,\"rubric\":…,\"reference_answer\":…}",
            "  {\"protocol\":\"relative\",\"instruction\":…,\"response_a\":…,\"response_b\":…,\"rubric\":…,\"reference_answer\":…}",
            "Output lines: {\"prompt\":…,\"token_ids\":[…],\"warnings\":[…]} (token_ids with --tokenizer)."})
final class PromptCommand extends AutojCommand {

    @Mixin
    FamilyOption model;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "requests, JSON Lines")
    Path in;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the prompts (default: stdout); replaced atomically")
    Path out;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json",
            description = "add token_ids (BOS first, never truncated) with this Hugging Face tokenizer (LLaMA-2's for Auto-J, Mistral's for Prometheus 2)")
    Path tokenizerFile;

    @Override
    void execute() {
        List<JsonLines.Line> requests = JsonLines.read(in);
        Tokenizer tokenizer = tokenizerFile == null ? null : Tokenizer.load(tokenizerFile);
        try {
            List<String> lines = new ArrayList<>(requests.size());
            for (JsonLines.Line request : requests) {
                JudgeFamily.ModelInput prompt = build(model.family, request);
                ObjectNode result = Json.object();
                result.put("prompt", prompt.text());
                if (tokenizer != null) {
                    ArrayNode ids = result.putArray("token_ids");
                    for (int id : tokenizer.encode(prompt.text())) {
                        ids.add(id);
                    }
                }
                ArrayNode warnings = result.putArray("warnings");
                prompt.warnings().forEach(warnings::add);
                lines.add(Json.line(result));
            }
            Output.write(this, out, lines);
        } finally {
            if (tokenizer != null) {
                tokenizer.close();
            }
        }
    }

    /** The family's model input for one request line: its protocol, language and every text field. */
    static JudgeFamily.ModelInput build(JudgeFamily family, JsonLines.Line line) {
        String protocol = line.text("protocol");
        Map<String, String> texts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = line.node().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isTextual() && !field.getKey().equals("protocol") && !field.getKey().equals("language")) {
                texts.put(field.getKey(), field.getValue().textValue());
            }
        }
        try {
            return family.prompt(new JudgeFamily.Request(protocol, language(line), texts));
        } catch (JudgeFamily.InvalidRequestException e) {
            throw problem(line, e);
        }
    }

    /** The family's complaint about a line, or, when the field it names is there but not a string, that. */
    private static InputException problem(JsonLines.Line line, JudgeFamily.InvalidRequestException e) {
        JsonNode value = e.field() == null ? null : line.node().get(e.field());
        if (value != null && !value.isNull() && !value.isTextual()) {
            line.text(e.field());
        }
        return line.fail(e.problem(), e.fix());
    }

    static Language language(JsonLines.Line request) {
        String name = request.optionalText("language");
        if (name == null) {
            return Language.EN;
        }
        return Converters.language(name).orElseThrow(() ->
                request.fail("unknown language \"" + name + "\"", "use \"en\" or \"zh\", or leave \"language\" out"));
    }
}
