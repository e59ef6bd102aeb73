package dev.autoj.engine.internal;

import dev.autoj.engine.Language;
import dev.autoj.engine.family.autoj.AutoJ;
import dev.autoj.engine.family.autoj.AutoJModel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Chinese request to an Auto-J model GAIR did not release for Chinese (Auto-J-13B, its GPTQ build)
 * is judged, not refused (recorded stores of such runs keep replaying), but the first one of a judge
 * raises one warning that names the model to use instead. Models autoj does not know are not
 * second-guessed. Not API.
 *
 * <pre>{@code
 * UntrainedLanguage check = new UntrainedLanguage("GAIR/autoj-13b");
 * check.firstWarning(List.of(Language.ZH));   // the warning, once; empty afterwards
 * }</pre>
 */
public final class UntrainedLanguage {

    private final Optional<AutoJModel> model;
    private final AtomicBoolean warned = new AtomicBoolean();

    public UntrainedLanguage(String modelId) {
        this.model = AutoJ.model(modelId);
    }

    /** The warning for the first request in a language the model was not released for; empty once given, or when none is. */
    public Optional<String> firstWarning(List<Language> languages) {
        if (model.isEmpty() || warned.get()) {
            return Optional.empty();
        }
        for (Language language : languages) {
            if (!model.get().speaks(language) && warned.compareAndSet(false, true)) {
                return Optional.of(message(model.get().id(), language));
            }
        }
        return Optional.empty();
    }

    /** The warning for a {@code language} request to {@code modelId}, which was not released for it. */
    public static String message(String modelId, Language language) {
        return "a " + (language == Language.ZH ? "Chinese (Language.ZH)" : language.name()) + " request goes to " + modelId
                + ", which GAIR released for English only; it is judged with Auto-J's Chinese protocol anyway, but its"
                + " verdicts have no published quality. Auto-J's Chinese protocols belong to " + AutoJ.MODEL_BILINGUAL_6B
                + " (set autoj.model.name to it).";
    }
}
