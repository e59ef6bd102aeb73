package dev.autoj.onnx.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Language;
import dev.autoj.engine.SharedFiles;
import dev.autoj.engine.family.JudgeFamilies;
import dev.autoj.engine.protocol.Prompt;
import dev.autoj.engine.protocol.PromptBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every record of {@code reference_prompts.jsonl} (the original Python prompt builder's output,
 * tokenized by an independent LLaMA-2 implementation) rebuilt from its source record, as the judging
 * pipeline builds it (Auto-J's {@code JudgeFamily}).
 */
class ReferencePromptsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHOWN = 5;

    @Test
    @DisplayName("all 3348 reference prompts are rebuilt byte for byte and tokenized id for id")
    void allReferencePromptsAreByteAndTokenExact() throws IOException {
        Path references = SharedFiles.testbed("reference_prompts.jsonl");
        Map<String, List<JsonNode>> sources = Map.of(
                "testdata_pairwise.jsonl", readLines(SharedFiles.testbed("testdata_pairwise.jsonl")),
                "testdata_critique.jsonl", readLines(SharedFiles.testbed("testdata_critique.jsonl")),
                "zh_testdata_critique.jsonl", readLines(SharedFiles.testbed("zh_testdata_critique.jsonl")),
                "scenario_classifier_testdata.jsonl", readLines(SharedFiles.testbed("scenario_classifier_testdata.jsonl")));
        Map<String, Integer> perKind = new TreeMap<>();
        List<String> textMismatches = new ArrayList<>();
        List<String> tokenMismatches = new ArrayList<>();
        int maxTokens = 0;

        try (Tokenizer tokenizer = Tokenizer.load(SharedFiles.tokenizer("llama2"));
                BufferedReader in = Files.newBufferedReader(references, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                JsonNode ref = JSON.readTree(line);
                String kind = ref.get("kind").asText();
                String where = "reference line " + lineNo + " (" + kind + " " + ref.path("order").asText("") + ", "
                        + ref.get("source").asText() + " line " + ref.get("line").asInt() + ")";
                JsonNode source = sources.get(ref.get("source").asText()).get(ref.get("line").asInt() - 1);
                perKind.merge(kind + (ref.has("order") ? "/" + ref.get("order").asText() : ""), 1, Integer::sum);

                String rebuilt = rebuild(kind, ref.path("order").asText(""), source).text();
                String expected = ref.get("text").asText();
                if (!rebuilt.equals(expected)) {
                    textMismatches.add(where + ": first difference at char " + firstDifference(rebuilt, expected));
                }

                int[] ids = tokenizer.encode(expected);
                maxTokens = Math.max(maxTokens, ids.length);
                String problem = tokenProblem(ids, ref);
                if (problem != null) {
                    tokenMismatches.add(where + ": " + problem);
                }
            }
        }

        assertThat(perKind).containsExactlyInAnyOrderEntriesOf(Map.of(
                "pairwise/original", 1392, "pairwise/exchanged", 1392, "single", 232, "zh_single", 232,
                "scenario_classification", 100));
        assertThat(textMismatches.size()).as("prompts that differ from the original builder, e.g. %s",
                head(textMismatches)).isZero();
        assertThat(tokenMismatches.size()).as("prompts whose ids differ from the reference tokenizer, e.g. %s",
                head(tokenMismatches)).isZero();
        assertThat(maxTokens).as("the longest prompt, untruncated").isEqualTo(6770);
    }

    /** The prompt as the judging pipeline builds it: Auto-J's family's pipeline prompts (the classifier's is PromptBuilder's). */
    private static Prompt rebuild(String kind, String order, JsonNode source) {
        return switch (kind) {
            case "pairwise" -> JudgeFamilies.AUTOJ.comparePrompt(new Judge.CompareRequest(text(source, "prompt"),
                    text(source, "response 1"), text(source, "response 2"), null), "exchanged".equals(order));
            case "single" -> JudgeFamilies.AUTOJ.gradePrompt(new Judge.GradeRequest(text(source, "prompt"), text(source, "response"), null));
            case "zh_single" -> JudgeFamilies.AUTOJ.gradePrompt(new Judge.GradeRequest(text(source, "prompt"), text(source, "response"),
                    null, Language.ZH));
            case "scenario_classification" -> PromptBuilder.scenario(
                    PromptBuilder.classifierQuery(text(source, "instruction"), text(source, "input")));
            default -> throw new IllegalStateException("unknown kind in reference_prompts.jsonl: " + kind);
        };
    }

    private static String tokenProblem(int[] ids, JsonNode ref) {
        if (ids.length != ref.get("llama2_token_count").asInt()) {
            return ids.length + " tokens, reference " + ref.get("llama2_token_count").asInt();
        }
        int[] first = ints(ref.get("llama2_first_ids"));
        int[] last = ints(ref.get("llama2_last_ids"));
        if (!Arrays.equals(Arrays.copyOf(ids, first.length), first)) {
            return "first ids differ";
        }
        if (!Arrays.equals(Arrays.copyOfRange(ids, ids.length - last.length, ids.length), last)) {
            return "last ids differ";
        }
        String joined = IntStream.of(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
        if (!sha256(joined).equals(ref.get("llama2_ids_sha256").asText())) {
            return "same count, different ids (SHA-256 of the ids differs)";
        }
        return null;
    }

    private static List<String> head(List<String> problems) {
        return problems.subList(0, Math.min(SHOWN, problems.size()));
    }

    private static String text(JsonNode record, String field) {
        JsonNode value = record.get(field);
        assertThat(value).as("field %s of %s", field, record).isNotNull();
        return value.asText();
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static List<JsonNode> readLines(Path file) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            records.add(JSON.readTree(line));
        }
        return records;
    }

    private static int firstDifference(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return i;
            }
        }
        return n;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
