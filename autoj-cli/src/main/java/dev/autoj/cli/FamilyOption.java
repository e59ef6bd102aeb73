package dev.autoj.cli;

import dev.autoj.engine.family.JudgeFamily;
import dev.autoj.engine.family.autoj.AutoJ;
import picocli.CommandLine.Option;

/**
 * {@code --model-name} of the commands that build prompts or read outputs without a judge
 * ({@code prompt}, {@code parse}): the judge model whose family's prompt format and reading rules apply.
 */
final class FamilyOption {

    @Option(names = "--model-name", paramLabel = "NAME", defaultValue = AutoJ.MODEL_13B, converter = Converters.Family.class,
            description = "the judge model, which decides the prompt format and how outputs are read: GAIR/autoj-13b (default),"
                    + " prometheus-eval/prometheus-7b-v2.0 or prometheus-eval/prometheus-8x7b-v2.0")
    JudgeFamily family;
}
