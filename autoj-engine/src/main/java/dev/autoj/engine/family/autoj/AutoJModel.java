package dev.autoj.engine.family.autoj;

import dev.autoj.engine.Language;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One released Auto-J model with its own facts: what it was built on, its decoder's shape as its
 * {@code config.json} states it, the languages GAIR released it for, and whether autoj holds its
 * published outputs (a conformance golden set). The store keys each model apart already: the model
 * id is part of every key.
 *
 * <pre>{@code
 * AutoJModel six = AutoJ.model("GAIR/autoj-bilingual-6b").orElseThrow();
 * six.kvHeads();                      // 4: grouped-query attention, 8 query heads per key/value head
 * six.languages();                    // [EN, ZH]
 * six.hasGoldenSet();                 // false: the golden set holds the 13B's answers
 * }</pre>
 *
 * @param id the model id as GAIR publishes it on Hugging Face
 * @param base what the model was fine-tuned from, for people
 * @param languages the protocol languages GAIR released the model for
 * @param hasGoldenSet whether the conformance golden set holds this model's own published outputs
 * @param caveat what a user should know before relying on it, or "" when nothing
 * @param hiddenSize {@code hidden_size}
 * @param layers {@code num_hidden_layers}
 * @param heads {@code num_attention_heads}
 * @param kvHeads {@code num_key_value_heads}
 * @param vocabSize {@code vocab_size}
 * @param ropeTheta {@code rope_theta}
 * @param maxPositions {@code max_position_embeddings}
 */
public record AutoJModel(String id, String base, Set<Language> languages, boolean hasGoldenSet, String caveat,
                         int hiddenSize, int layers, int heads, int kvHeads, int vocabSize, double ropeTheta,
                         int maxPositions) {

    public AutoJModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(base, "base");
        languages = Set.copyOf(languages);
        Objects.requireNonNull(caveat, "caveat");
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(id + ": " + heads + " heads are not a multiple of " + kvHeads + " key/value heads");
        }
    }

    /** Whether GAIR released this model for {@code language}'s protocols. */
    public boolean speaks(Language language) {
        return languages.contains(language);
    }

    /**
     * Whether {@code modelId} names this model: the full id in any case, or, for an id without an owner
     * (the embedded engine names a model by its folder), the repository name alone, e.g.
     * {@code autoj-bilingual-6b}.
     */
    boolean isNamed(String modelId) {
        if (modelId == null) {
            return false;
        }
        String wanted = modelId.trim().toLowerCase(Locale.ROOT);
        String full = id.toLowerCase(Locale.ROOT);
        return wanted.equals(full) || (!wanted.contains("/") && wanted.equals(full.substring(full.lastIndexOf('/') + 1)));
    }
}
