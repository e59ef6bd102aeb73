package dev.autoj.engine.family;

import dev.autoj.engine.family.autoj.AutoJ;
import dev.autoj.engine.family.prometheus.Prometheus;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The registry of judge families: a new family is one package plus one line in {@link #ALL}.
 *
 * <pre>{@code
 * JudgeFamily prometheus = JudgeFamilies.forModel("prometheus-eval/prometheus-7b-v2.0");
 * JudgeFamily autoj = JudgeFamilies.forModel("GAIR/autoj-13b");   // also JudgeFamilies.DEFAULT
 * JudgeFamilies.forModel("gpt-4");   // IllegalArgumentException naming every known model id
 * }</pre>
 */
public final class JudgeFamilies {

    /**
     * Auto-J ({@code GAIR/autoj-13b}, {@code GAIR/autoj-bilingual-6b}, {@code GAIR/autoj-13b-GPTQ-4bits}): single 1–10,
     * pairwise with tie, scenario classification.
     */
    public static final JudgeFamily AUTOJ = AutoJ.FAMILY;

    /** Prometheus 2 ({@code prometheus-eval/prometheus-7b-v2.0}, {@code …-8x7b-v2.0}): absolute 1–5, relative A/B. */
    public static final JudgeFamily PROMETHEUS = Prometheus.FAMILY;

    /** The family of the default model, {@code GAIR/autoj-13b}. */
    public static final JudgeFamily DEFAULT = AUTOJ;

    private static final List<JudgeFamily> ALL = List.of(AUTOJ, PROMETHEUS);

    private JudgeFamilies() {
    }

    /** Every registered family, the default first. */
    public static List<JudgeFamily> all() {
        return ALL;
    }

    /**
     * The family that serves {@code modelId} (compared without regard to case, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the known model ids when no family serves it
     */
    public static JudgeFamily forModel(String modelId) {
        String wanted = modelId == null ? "" : modelId.trim().toLowerCase(Locale.ROOT);
        for (JudgeFamily family : ALL) {
            for (String id : family.modelIds()) {
                if (id.toLowerCase(Locale.ROOT).equals(wanted)) {
                    return family;
                }
            }
        }
        throw new IllegalArgumentException("unknown judge model \"" + modelId + "\"; known: " + knownModels());
    }

    /**
     * The family the judging pipeline uses for {@code modelId}: the family that serves it, by its full id or by
     * its repository name alone (the embedded engine names a model by its folder: {@code prometheus-7b-v2.0});
     * Auto-J for any other id, as before families existed (a server or a folder may serve Auto-J-13B under
     * another name). Case and surrounding blanks are ignored.
     *
     * <pre>{@code
     * JudgeFamilies.judging("prometheus-7b-v2.0") == JudgeFamilies.PROMETHEUS;
     * JudgeFamilies.judging("my-autoj-server") == JudgeFamilies.AUTOJ;
     * }</pre>
     */
    public static JudgeFamily judging(String modelId) {
        JudgeFamily found = find(modelId);
        return found == null ? DEFAULT : found;
    }

    private static JudgeFamily find(String modelId) {
        String wanted = modelId == null ? "" : modelId.trim().toLowerCase(Locale.ROOT);
        for (JudgeFamily family : ALL) {
            for (String id : family.modelIds()) {
                String full = id.toLowerCase(Locale.ROOT);
                if (full.equals(wanted) || full.substring(full.indexOf('/') + 1).equals(wanted)) {
                    return family;
                }
            }
        }
        return null;
    }

    /**
     * Whether some family serves {@code modelId} by its full id or its repository name alone (what
     * {@link #judging(String)} finds without falling back to Auto-J).
     *
     * <pre>{@code
     * JudgeFamilies.knows("autoj-13b");        // true
     * JudgeFamilies.knows("my-judge-server");  // false: judged as Auto-J
     * }</pre>
     */
    public static boolean knows(String modelId) {
        return find(modelId) != null;
    }

    /**
     * What a judge says once at start about a model id no family knows ({@link #knows(String)} is false): that
     * it is judged as {@link #DEFAULT}'s family and how to name another; empty for a known id.
     */
    public static Optional<String> unknownModelNote(String modelId) {
        if (knows(modelId)) {
            return Optional.empty();
        }
        return Optional.of("judge model \"" + modelId + "\" is not a model id autoj knows, so it is judged as " + DEFAULT.name()
                + " (its prompts, its reader, scale " + DEFAULT.scale() + "); if it serves another family, name it by its"
                + " published id (known: " + knownModels() + ")");
    }

    /** Every known model id with its family, e.g. {@code "GAIR/autoj-13b (Auto-J), …"}. */
    public static String knownModels() {
        return ALL.stream()
                .map(family -> String.join(", ", family.modelIds()) + " (" + family.name() + ")")
                .collect(Collectors.joining(", "));
    }
}
