package dev.autoj.engine.family.autoj;

import dev.autoj.engine.Language;
import dev.autoj.engine.family.JudgeFamily;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Auto-J as a {@link JudgeFamily}: its prompts are {@link dev.autoj.engine.protocol.PromptBuilder}'s and its
 * outputs are read by {@link dev.autoj.engine.protocol.VerdictParser}; this package only describes them.
 * GAIR released three Auto-J models; each is {@link #MODELS described} with its own facts.
 *
 * <pre>{@code
 * JudgeFamily.Request request = JudgeFamily.Request.of("single", Map.of("query", "What is 2+2?", "response", "4"));
 * AutoJ.FAMILY.prompt(request).text();                       // "[INST] Write critiques for a submitted response … [/INST]"
 * AutoJ.FAMILY.read(request, "… Rating: [[8]]").score();     // 8.0
 * AutoJ.model("autoj-bilingual-6b").orElseThrow().speaks(Language.ZH);   // true: a folder name finds the model too
 * }</pre>
 */
public final class AutoJ {

    /** The model Auto-J's family serves first and autoj's default judge. */
    public static final String MODEL_13B = "GAIR/autoj-13b";

    /** Auto-J bilingual 6B, the Auto-J released with the Chinese protocols. */
    public static final String MODEL_BILINGUAL_6B = "GAIR/autoj-bilingual-6b";

    /** Auto-J-13B quantised to 4 bits with GPTQ. */
    public static final String MODEL_13B_GPTQ = "GAIR/autoj-13b-GPTQ-4bits";

    /** The three released Auto-J models, the default first. */
    public static final List<AutoJModel> MODELS = List.of(
            new AutoJModel(MODEL_13B, "LLaMA-2-13B-chat", Set.of(Language.EN), true, "",
                    5120, 40, 40, 40, 32000, 10000.0, 4096),
            new AutoJModel(MODEL_BILINGUAL_6B, "Yi-6B", Set.of(Language.EN, Language.ZH), false,
                    "no published outputs of this model are shipped, so the conformance check has nothing to compare it with",
                    4096, 32, 32, 4, 64000, 5_000_000.0, 4096),
            new AutoJModel(MODEL_13B_GPTQ, "Auto-J-13B, quantised to 4 bits with GPTQ", Set.of(Language.EN), false,
                    "GAIR warns that its behaviour \"might be different\" from Auto-J-13B's; it needs about 8 GB of GPU memory",
                    5120, 40, 40, 40, 32000, 10000.0, 4096));

    /** Auto-J's description: single (1–10), pairwise (Response 1, Response 2 or Tie), scenario. */
    public static final JudgeFamily FAMILY = new AutoJFamily();

    private AutoJ() {
    }

    /**
     * The Auto-J model {@code modelId} names: its full id in any case, or its repository name alone
     * (e.g. the embedded engine's folder {@code autoj-bilingual-6b}); empty for any other id.
     */
    public static Optional<AutoJModel> model(String modelId) {
        return MODELS.stream().filter(m -> m.isNamed(modelId)).findFirst();
    }
}
