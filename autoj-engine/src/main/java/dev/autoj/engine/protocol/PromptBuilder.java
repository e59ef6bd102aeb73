package dev.autoj.engine.protocol;

import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.internal.Placeholders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Builds Auto-J's model input exactly as the original Python implementation does
 * ({@code "[INST] " + template.format(...) + " [/INST]"}, the classifier prompt unwrapped).
 *
 * <p>Placeholders are filled in one pass over the template: whatever a query or response
 * contains ({@code {response}}, {@code $1}, backslashes, {@code {{}}) is copied verbatim and
 * never expanded again. Judged texts that contain the judge's own verdict markers are reported
 * in {@link Prompt#warnings()}, because a judge may quote them; the texts travel with the prompt
 * ({@link Prompt#judgedTexts()}) so that the verdict parser can skip such quotes. A text with a
 * lone UTF-16 surrogate is refused ({@link UnencodableTextException}): it cannot be sent as UTF-8.
 *
 * <pre>{@code
 * Prompt p = PromptBuilder.pairwise(Language.EN, "What is 2+2?", "4", "5");
 * p.text();   // "[INST] You are assessing two submitted responses ... [/INST]"
 * }</pre>
 */
public final class PromptBuilder {

    private static final Map<String, String> TEMPLATES = Map.of(
            "single", Templates.SINGLE,
            "pairwise_tie", Templates.PAIRWISE_TIE,
            "zh_single", Templates.ZH_SINGLE,
            "zh_pairwise_tie", Templates.ZH_PAIRWISE_TIE,
            "scenario_classification", Templates.SCENARIO_CLASSIFIER);

    /** Markers the verdict parser looks for; judged text containing them is flagged. */
    private static final List<String> VERDICT_MARKERS = List.of(
            "final decision is", "rating: [[", "最终决定是", "评分:[[", "评分: [[", "打分:[[", "打分: [[");

    /** Strings that name LLaMA-2 control tokens; the tokenizer encodes them as plain text. */
    private static final List<String> CONTROL_TOKEN_STRINGS = List.of("<s>", "</s>", "<unk>", "[INST]", "[/INST]", "<<SYS>>");

    private PromptBuilder() {
    }

    /** The single-response prompt: critique, then "Rating: [[n]]". */
    public static Prompt single(Language language, String query, String response) {
        requireText("query", query);
        requireText("response", response);
        String template = Protocol.SINGLE.templateName(language);
        Map<String, String> values = Map.of("prompt", query, "response", response);
        return new Prompt(Protocol.SINGLE, language, wrap(Placeholders.fill(TEMPLATES.get(template), values)),
                warnings(Map.of("query", query, "response", response)), named("query", query, "response", response));
    }

    /** The pairwise prompt with {@code response1} shown first. */
    public static Prompt pairwise(Language language, String query, String response1, String response2) {
        requireText("query", query);
        requireText("response 1", response1);
        requireText("response 2", response2);
        String template = Protocol.PAIRWISE.templateName(language);
        Map<String, String> values = Map.of("prompt", query, "response", response1, "response_another", response2);
        return new Prompt(Protocol.PAIRWISE, language, wrap(Placeholders.fill(TEMPLATES.get(template), values)),
                warnings(Map.of("query", query, "response 1", response1, "response 2", response2)),
                named("query", query, "response 1", response1, "response 2", response2));
    }

    /** The scenario-classifier prompt (raw, no {@code [INST]} wrapper). */
    public static Prompt scenario(String query) {
        requireText("query", query);
        return new Prompt(Protocol.SCENARIO, Language.EN,
                Placeholders.fill(Templates.SCENARIO_CLASSIFIER, Map.of("input", query)), warnings(Map.of("query", query)), named("query", query));
    }

    /** The query Auto-J's classifier test set builds from {@code instruction} and {@code input}. */
    public static String classifierQuery(String instruction, String input) {
        return instruction + " " + input;
    }

    private static void requireText(String name, String text) {
        Objects.requireNonNull(text, () -> "The " + name + " text is null; pass \"\" for an empty " + name + ".");
        UnencodableTextException.requireEncodable("The " + name, text);
    }

    /** Name, text, name, text… in the order the prompt shows them. */
    private static Map<String, String> named(String... nameAndText) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (int i = 0; i < nameAndText.length; i += 2) {
            texts.put(nameAndText[i], nameAndText[i + 1]);
        }
        return texts;
    }

    private static String wrap(String userMessage) {
        return Templates.LLAMA2_WRAPPER_OPEN + userMessage + Templates.LLAMA2_WRAPPER_CLOSE;
    }

    /**
     * What is suspicious in judged texts, each named as the caller names it: verdict markers the
     * judge might quote, and control-token strings (encoded as plain text). The same warnings every
     * built prompt carries, for callers that name the texts differently (a report's "response" and
     * "baseline" rather than "response 1" and "response 2").
     *
     * <pre>{@code
     * PromptBuilder.textWarnings(Map.of("response", answer, "baseline", baseline));
     * }</pre>
     */
    public static List<String> textWarnings(Map<String, String> namedTexts) {
        return warnings(namedTexts);
    }

    private static List<String> warnings(Map<String, String> texts) {
        List<String> warnings = new ArrayList<>();
        texts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String text = Objects.requireNonNull(e.getValue(), () -> "the " + e.getKey() + " text must not be null");
            String lower = text.toLowerCase(Locale.ROOT);
            for (String marker : VERDICT_MARKERS) {
                if (lower.contains(marker.toLowerCase(Locale.ROOT))) {
                    warnings.add("The " + e.getKey() + " contains the verdict marker \"" + marker
                            + "\"; the judge may quote it. The parser skips markers the judge quotes from the judged texts (in"
                            + " quotation marks or amid their own words) and reads the judge's own last statement"
                            + " (docs/assertions.md says what that guarantees).");
                }
            }
            for (String token : CONTROL_TOKEN_STRINGS) {
                if (text.contains(token)) {
                    warnings.add("The " + e.getKey() + " contains \"" + token
                            + "\"; it is encoded as plain text, not as a control token.");
                }
            }
        });
        return List.copyOf(warnings);
    }
}
