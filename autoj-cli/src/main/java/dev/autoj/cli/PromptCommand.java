package dev.autoj.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autoj.cli.eval.JsonLines;
import dev.autoj.engine.Language;
import dev.autoj.engine.protocol.Prompt;
import dev.autoj.engine.protocol.PromptBuilder;
import dev.autoj.onnx.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code autoj prompt}: the exact Auto-J model input for each request, optionally with its token ids. */
@Command(name = "prompt",
        mixinStandardHelpOptions = true,
        description = {
            "Builds Auto-J's exact model input for each request line.",
            "Input lines (each may add \"language\":\"zh\" for the Chinese templates):",
            "  {\"protocol\":\"single\",\"query\":…,\"response\":…}",
            "  {\"protocol\":\"pairwise\",\"query\":…,\"response_1\":…,\"response_2\":…}",
            "  {\"protocol\":\"scenario\",\"query\":…}",
            "Output lines: {\"prompt\":…,\"token_ids\":[…],\"warnings\":[…]} (token_ids with --tokenizer)."})
final class PromptCommand extends AutojCommand {

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "requests, JSON Lines")
    Path in;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the prompts (default: stdout); replaced atomically")
    Path out;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json", description = "add token_ids (BOS first, never truncated) with this Hugging Face tokenizer")
    Path tokenizerFile;

    @Override
    void execute() {
        List<JsonLines.Line> requests = JsonLines.read(in);
        Tokenizer tokenizer = tokenizerFile == null ? null : Tokenizer.load(tokenizerFile);
        try {
            List<String> lines = new ArrayList<>(requests.size());
            for (JsonLines.Line request : requests) {
                Prompt prompt = build(request);
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

    static Prompt build(JsonLines.Line request) {
        String protocol = request.text("protocol");
        Language language = language(request);
        return switch (protocol.trim().toLowerCase(Locale.ROOT)) {
            case "single" -> PromptBuilder.single(language, request.text("query"), request.text("response"));
            case "pairwise" -> PromptBuilder.pairwise(language, request.text("query"), request.text("response_1"), request.text("response_2"));
            case "scenario" -> {
                if (language != Language.EN) {
                    throw request.fail("the scenario classifier prompt has no Chinese form", "remove \"language\" from this line");
                }
                yield PromptBuilder.scenario(request.text("query"));
            }
            default -> throw request.fail("unknown protocol \"" + protocol + "\"", "use \"single\", \"pairwise\" or \"scenario\"");
        };
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
