package dev.autoj.engine.family;

import dev.autoj.engine.BadInputException;
import dev.autoj.engine.Judge;
import dev.autoj.engine.Language;
import dev.autoj.engine.Protocol;
import dev.autoj.engine.Verdict;
import dev.autoj.engine.protocol.ParsedVerdict;
import dev.autoj.engine.protocol.Prompt;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One judge family described in one place: the model ids it serves, the protocols it offers, how it
 * builds its model input and reads its output, its score scale, its default context window and whether
 * Auto-J's scenarios apply. The families are registered in {@link JudgeFamilies}; each lives in its own
 * package ({@code family.autoj}, {@code family.prometheus}).
 *
 * <pre>{@code
 * JudgeFamily family = JudgeFamilies.forModel("prometheus-eval/prometheus-7b-v2.0");
 * JudgeFamily.Request request = JudgeFamily.Request.of("absolute", Map.of(
 *         "instruction", "What is 2+2?", "response", "4", "rubric", "helpfulness"));
 * String prompt = family.prompt(request).text();          // "[INST] You are a fair judge … [/INST]"
 * JudgeFamily.Reading reading = family.read(request, "Correct and brief. [RESULT] 5");
 * reading.score();                                         // 5.0, on family.scale() = 1–5
 * }</pre>
 *
 * <p>The judging pipeline ({@link dev.autoj.engine.Judge}, built by {@code Judges}) asks the family of its
 * model id ({@link JudgeFamilies#judging(String)}) for each prompt ({@link #gradePrompt}, {@link #comparePrompt})
 * and for reading each output ({@link #readOutput}); the CLI's {@code prompt} and {@code parse} ask
 * {@link #prompt(Request)} and {@link #read(Request, String)}.
 */
public interface JudgeFamily {

    /** The family's name for people, e.g. {@code "Auto-J"} or {@code "Prometheus 2"}. */
    String name();

    /** The model ids of this family as their publishers name them; the first is the family's default. */
    List<String> modelIds();

    /** The default model id: the first of {@link #modelIds()}. */
    default String defaultModelId() {
        return modelIds().get(0);
    }

    /** The protocols whose model input {@link #prompt(Request)} builds, as request lines name them. */
    List<String> protocols();

    /** The protocols whose output {@link #read(Request, String)} reads (a subset of {@link #protocols()}). */
    default List<String> readableProtocols() {
        return protocols();
    }

    /** The scale of the family's scores (ratings). */
    Scale scale();

    /** The context window, prompt and generation together, in tokens, when nothing else is configured. */
    int defaultContextWindow();

    /** Whether Auto-J's 60 scenarios mean anything to this family. */
    boolean scenariosApply();

    /**
     * Whether the pairwise protocol can answer a tie (Auto-J: yes; Prometheus 2's relative grading: no, it
     * always names A or B).
     */
    boolean ties();

    /**
     * The prompt that grades one response, for the judging pipeline: protocol {@link Protocol#SINGLE}, the
     * exact model input, and the judged texts named as the prompt shows them (the store records them, a
     * replay miss compares them, a reader may skip what the judge quotes from them).
     *
     * @throws InvalidRequestException when the request carries what this family cannot take (a rubric or a
     *     reference answer for Auto-J) or lacks what it needs (a rubric for Prometheus 2)
     */
    Prompt gradePrompt(Judge.GradeRequest request);

    /**
     * The prompt that compares the request's two responses, for the judging pipeline: protocol
     * {@link Protocol#PAIRWISE}, response 1 shown first, or response 2 first when {@code swapped}.
     *
     * @throws InvalidRequestException as {@link #gradePrompt}
     */
    Prompt comparePrompt(Judge.CompareRequest request, boolean swapped);

    /**
     * Reads the judge's output for a prompt this family built ({@link #gradePrompt}, {@link #comparePrompt}, or
     * one rebuilt from a store record with its judged texts): a rating on {@link #scale()}, a verdict as
     * positions in that prompt ({@link Verdict#RESPONSE_1} = the response shown first), or a no-verdict with
     * the reason. The judged texts are untrusted; how a family keeps them from steering the reading is its
     * reader's documented rule.
     */
    ParsedVerdict readOutput(Prompt prompt, String output);

    /**
     * The exact model input for {@code request}.
     *
     * @throws InvalidRequestException when the protocol is unknown or a text it needs is missing
     */
    ModelInput prompt(Request request);

    /**
     * Reads the judge's {@code output} for {@code request} (for a pairwise protocol the judged texts may
     * be left out); an unreadable or null output is a {@link Reading} with a no-verdict reason.
     *
     * @throws InvalidRequestException when the protocol's output cannot be read by this family
     */
    Reading read(Request request, String output);

    /**
     * A closed range of whole-number scores.
     *
     * @param lowest the lowest score
     * @param highest the highest score
     */
    record Scale(int lowest, int highest) {

        public Scale {
            if (lowest > highest) {
                throw new IllegalArgumentException("scale " + lowest + "–" + highest + " is empty");
            }
        }

        /** Whether {@code score} lies on the scale. */
        public boolean contains(double score) {
            return score >= lowest && score <= highest;
        }

        @Override
        public String toString() {
            return lowest + "–" + highest;
        }
    }

    /**
     * What the judge is asked: a protocol, the template language and the named texts, named as request
     * lines name them ({@code "query"}, {@code "response_1"}, {@code "instruction"}, {@code "rubric"} …).
     *
     * @param protocol the protocol's name, e.g. {@code "pairwise"} or {@code "relative"}
     * @param language the template language
     * @param texts the named texts; an absent name is an absent text
     */
    record Request(String protocol, Language language, Map<String, String> texts) {

        public Request {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(language, "language");
            texts = Collections.unmodifiableMap(new LinkedHashMap<>(texts == null ? Map.of() : texts));
        }

        /** An English request. */
        public static Request of(String protocol, Map<String, String> texts) {
            return new Request(protocol, Language.EN, texts);
        }

        /** A text the protocol requires. */
        public String text(String name) {
            String text = texts.get(name);
            if (text == null) {
                throw new InvalidRequestException(name, "field \"" + name + "\" is missing", "add \"" + name + "\" to this line");
            }
            return text;
        }

        /** A text the protocol can do without, or null. */
        public String optionalText(String name) {
            return texts.get(name);
        }
    }

    /**
     * A built model input.
     *
     * @param text the exact model input (the tokenizer adds BOS in front)
     * @param warnings notes about the judged texts, for reports; empty when there is nothing to say
     */
    record ModelInput(String text, List<String> warnings) {

        public ModelInput {
            Objects.requireNonNull(text, "text");
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * What was read from one judge output: a verdict, a score, or the reason there is neither. Exactly
     * one of the three is present.
     *
     * @param verdict the verdict as the family names it ({@code "RESPONSE_1"}, {@code "TIE"}, {@code "A"} …), or null
     * @param score the score on the family's {@link Scale}, or null
     * @param noVerdictReason why nothing could be read, or null
     * @param warnings notes about how it was read; empty when there is nothing to say
     */
    record Reading(String verdict, Double score, String noVerdictReason, List<String> warnings) {

        public Reading {
            int present = (verdict != null ? 1 : 0) + (score != null ? 1 : 0) + (noVerdictReason != null ? 1 : 0);
            if (present != 1) {
                throw new IllegalArgumentException("exactly one of verdict, score and noVerdictReason must be set");
            }
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
        }

        /** A verdict. */
        public static Reading ofVerdict(String verdict) {
            return new Reading(Objects.requireNonNull(verdict), null, null, List.of());
        }

        /** A score. */
        public static Reading ofScore(double score) {
            return new Reading(null, score, null, List.of());
        }

        /** No verdict, with the reason. */
        public static Reading noVerdict(String reason) {
            return new Reading(null, null, Objects.requireNonNull(reason), List.of());
        }

        /** Whether nothing could be read. */
        public boolean isNoVerdict() {
            return noVerdictReason != null;
        }
    }

    /**
     * A request a family cannot serve: an unknown protocol, a missing text, a language it has no
     * templates for. The message says what is wrong ({@link #problem()}, which names the field) and
     * {@link #fix()} what to do; {@link #field()} is the request field at fault, or null.
     */
    final class InvalidRequestException extends BadInputException {

        private static final long serialVersionUID = 1L;

        /**
         * @param field the request field at fault, or null when it is not one field
         * @param problem what is wrong
         * @param fix what to do
         */
        public InvalidRequestException(String field, String problem, String fix) {
            super(null, 0, field, problem, fix, null);
        }
    }
}
