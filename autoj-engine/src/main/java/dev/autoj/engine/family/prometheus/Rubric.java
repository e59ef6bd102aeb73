package dev.autoj.engine.family.prometheus;

import dev.autoj.engine.internal.Placeholders;
import dev.autoj.engine.protocol.UnencodableTextException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Prometheus 2 score rubric: the criteria and what each score from 1 to 5 means. Its {@link #text()}
 * is the library's {@code SCORE_RUBRIC_TEMPLATE} filled, byte-exact:
 *
 * <pre>{@code
 * Rubric rubric = Rubric.of("Is the answer concise?",
 *         "Rambling.", "Mostly rambling.", "Adequate.", "Mostly concise.", "Concise and complete.");
 * rubric.text();          // "[Is the answer concise?]\nScore 1: Rambling.\n…\nScore 5: Concise and complete."
 * rubric.criteriaLine();  // "[Is the answer concise?]": what relative grading shows
 * Rubric.predefined("helpfulness").orElseThrow() == Rubric.HELPFULNESS;
 * }</pre>
 *
 * <p>Absolute grading shows the whole {@link #text()}; relative grading shows only the
 * {@link #criteriaLine()}, the first line, as the library does with its predefined rubrics.
 *
 * @param criteria what is judged, without the brackets
 * @param scoreDescriptions what scores 1, 2, 3, 4 and 5 mean, in that order (an empty description is allowed)
 */
public record Rubric(String criteria, List<String> scoreDescriptions) {

    private static final Map<String, Rubric> PREDEFINED = predefinedRubrics();

    /** The library's {@code HELPFULNESS_RUBRIC}. */
    public static final Rubric HELPFULNESS = PREDEFINED.get("helpfulness");
    /** The library's {@code HARMLESSNESS_RUBRIC}. */
    public static final Rubric HARMLESSNESS = PREDEFINED.get("harmlessness");
    /** The library's {@code HONESTY_RUBRIC}. */
    public static final Rubric HONESTY = PREDEFINED.get("honesty");
    /** The library's {@code FACTUAL_VALIDITY_RUBRIC}. */
    public static final Rubric FACTUAL_VALIDITY = PREDEFINED.get("factual_validity");
    /** The library's {@code REASONING_RUBRIC}. */
    public static final Rubric REASONING = PREDEFINED.get("reasoning");

    public Rubric {
        Objects.requireNonNull(criteria, "criteria");
        Objects.requireNonNull(scoreDescriptions, "scoreDescriptions");
        if (scoreDescriptions.size() != 5) {
            throw new IllegalArgumentException("a Prometheus rubric describes the scores 1 to 5, so it needs 5 score"
                    + " descriptions, not " + scoreDescriptions.size());
        }
        for (int i = 0; i < 5; i++) {
            int score = i + 1;
            Objects.requireNonNull(scoreDescriptions.get(i), () -> "the description of score " + score
                    + " is null; pass \"\" for an empty one");
        }
        scoreDescriptions = List.copyOf(scoreDescriptions);
        UnencodableTextException.requireEncodable("The rubric's criteria", criteria);
        for (int i = 0; i < 5; i++) {
            UnencodableTextException.requireEncodable("The rubric's description of score " + (i + 1), scoreDescriptions.get(i));
        }
    }

    /** A rubric from its criteria and the descriptions of scores 1 to 5. */
    public static Rubric of(String criteria, String score1, String score2, String score3, String score4, String score5) {
        return new Rubric(criteria, Arrays.asList(score1, score2, score3, score4, score5));
    }

    /**
     * One of the library's five predefined rubrics by name: {@code helpfulness}, {@code harmlessness},
     * {@code honesty}, {@code factual_validity} or {@code reasoning} (exactly so written), or empty.
     */
    public static Optional<Rubric> predefined(String name) {
        return Optional.ofNullable(PREDEFINED.get(name));
    }

    /** The names {@link #predefined(String)} knows, alphabetically (the order of the library's constants in templates.json). */
    public static List<String> predefinedNames() {
        return List.copyOf(PREDEFINED.keySet());
    }

    /** The whole rubric as absolute grading shows it: {@code SCORE_RUBRIC_TEMPLATE} filled. */
    public String text() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("criteria", criteria);
        for (int i = 0; i < 5; i++) {
            values.put("score" + (i + 1) + "_description", scoreDescriptions.get(i));
        }
        return Placeholders.fill(Templates.get(Templates.SCORE_RUBRIC_TEMPLATE), values);
    }

    /** The bracketed criteria, the first line of {@link #text()} when the criteria are one line: what relative grading shows. */
    public String criteriaLine() {
        return "[" + criteria + "]";
    }

    /**
     * The rubric whose {@link #text()} is {@code text}: the inverse of filling {@code SCORE_RUBRIC_TEMPLATE}.
     *
     * @throws IllegalArgumentException when {@code text} is not a filled score-rubric template
     */
    static Rubric parse(String text) {
        List<List<String>> split = Templates.split(Templates.get(Templates.SCORE_RUBRIC_TEMPLATE));
        List<String> pieces = split.get(0);
        List<String> names = split.get(1);
        if (!text.startsWith(pieces.get(0))) {
            throw new IllegalArgumentException("not a score rubric (it does not start with \"" + pieces.get(0) + "\"): " + text);
        }
        Map<String, String> values = new LinkedHashMap<>();
        int at = pieces.get(0).length();
        for (int i = 0; i < names.size(); i++) {
            String next = pieces.get(i + 1);
            int end = i + 1 == names.size() ? text.length() - next.length() : text.indexOf(next, at);
            if (end < at || (i + 1 == names.size() && !text.endsWith(next))) {
                throw new IllegalArgumentException("not a score rubric (no \"" + next.replace("\n", "\\n") + "\" after "
                        + names.get(i) + "): " + text);
            }
            values.put(names.get(i), text.substring(at, end));
            at = end + next.length();
        }
        List<String> descriptions = new ArrayList<>();
        for (int score = 1; score <= 5; score++) {
            descriptions.add(values.get("score" + score + "_description"));
        }
        Rubric rubric = new Rubric(values.get("criteria"), descriptions);
        if (!rubric.text().equals(text)) {
            throw new IllegalArgumentException("not a score rubric (it reads back differently): " + text);
        }
        return rubric;
    }

    private static Map<String, Rubric> predefinedRubrics() {
        Map<String, Rubric> rubrics = new LinkedHashMap<>();
        Templates.predefinedRubrics().forEach((name, text) -> rubrics.put(name, parse(text)));
        return Collections.unmodifiableMap(rubrics);
    }
}
