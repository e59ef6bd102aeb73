package dev.autoj.engine.family.autoj;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autoj.engine.Language;
import dev.autoj.engine.family.JudgeFamilies;
import org.junit.jupiter.api.Test;

/** The three released Auto-J models, each with its own facts, all served by Auto-J's family. */
class AutoJModelsTest {

    @Test
    void theFamilyServesTheThreeReleasedModelsTheThirteenBFirst() {
        assertThat(AutoJ.FAMILY.modelIds())
                .containsExactly("GAIR/autoj-13b", "GAIR/autoj-bilingual-6b", "GAIR/autoj-13b-GPTQ-4bits");
        assertThat(AutoJ.FAMILY.defaultModelId()).isEqualTo(AutoJ.MODEL_13B);
        for (String id : AutoJ.FAMILY.modelIds()) {
            assertThat(JudgeFamilies.forModel(id)).as(id).isSameAs(JudgeFamilies.AUTOJ);
        }
        assertThat(JudgeFamilies.forModel("gair/AUTOJ-BILINGUAL-6B")).isSameAs(JudgeFamilies.AUTOJ);
    }

    @Test
    void theBilingualSixBIsYiShapedAndSpeaksChinese() {
        AutoJModel six = AutoJ.model(AutoJ.MODEL_BILINGUAL_6B).orElseThrow();
        assertThat(six.base()).isEqualTo("Yi-6B");
        assertThat(six.hiddenSize()).isEqualTo(4096);
        assertThat(six.layers()).isEqualTo(32);
        assertThat(six.heads()).isEqualTo(32);
        assertThat(six.kvHeads()).isEqualTo(4);
        assertThat(six.heads() / six.kvHeads()).as("grouped-query attention, query heads per key/value head").isEqualTo(8);
        assertThat(six.vocabSize()).isEqualTo(64000);
        assertThat(six.ropeTheta()).isEqualTo(5_000_000.0);
        assertThat(six.maxPositions()).isEqualTo(4096);
        assertThat(six.speaks(Language.ZH)).isTrue();
        assertThat(six.speaks(Language.EN)).isTrue();
        assertThat(six.hasGoldenSet()).isFalse();
    }

    @Test
    void theThirteenBAndItsGptqBuildWereReleasedForEnglishOnly() {
        AutoJModel thirteen = AutoJ.model(AutoJ.MODEL_13B).orElseThrow();
        AutoJModel gptq = AutoJ.model(AutoJ.MODEL_13B_GPTQ).orElseThrow();
        assertThat(thirteen.speaks(Language.ZH)).isFalse();
        assertThat(gptq.speaks(Language.ZH)).isFalse();
        assertThat(thirteen.hasGoldenSet()).isTrue();
        assertThat(gptq.hasGoldenSet()).as("the golden set is the full-precision 13B's").isFalse();
        assertThat(gptq.caveat()).contains("might be different").contains("8 GB");
        assertThat(thirteen.kvHeads()).isEqualTo(thirteen.heads());
        assertThat(thirteen.vocabSize()).isEqualTo(32000);
    }

    @Test
    void aFolderNameFindsItsModelButAnotherOwnerOrNameDoesNot() {
        assertThat(AutoJ.model("autoj-bilingual-6b")).map(AutoJModel::id).contains(AutoJ.MODEL_BILINGUAL_6B);
        assertThat(AutoJ.model(" autoj-13b-gptq-4bits ")).map(AutoJModel::id).contains(AutoJ.MODEL_13B_GPTQ);
        assertThat(AutoJ.model("autoj-13b")).map(AutoJModel::id).contains(AutoJ.MODEL_13B);
        assertThat(AutoJ.model("someone/autoj-bilingual-6b")).isEmpty();
        assertThat(AutoJ.model("tiny-autoj")).isEmpty();
        assertThat(AutoJ.model(null)).isEmpty();
    }
}
